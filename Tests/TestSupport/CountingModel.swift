import Audio
import Foundation
import Models
import Tensor

/// A model that counts the files its audio encoder reads, per front-end (the same counter is
/// shared by the copies `withPreprocessing` makes).
public final class CountingModel: AudioLanguageModel, @unchecked Sendable {
    public final class Counter: @unchecked Sendable {
        public let lock = NSLock()
        /// Front-end fingerprint -> the paths embedded through it, in call order.
        public var paths: [String: [String]] = [:]
        public init() {}
    }
    public let inner: AudioLanguageModel
    public let counter: Counter
    public init(_ inner: AudioLanguageModel, counter: Counter = Counter()) { self.inner = inner; self.counter = counter }
    public var name: String { inner.name }
    public var fingerprint: String { inner.fingerprint }
    public var dimension: Int { inner.dimension }
    public var tokenWidth: Int { inner.tokenWidth }
    public var preprocessing: PreprocessingConfig { inner.preprocessing }
    public func embedAudio(paths: [String]) throws -> [Result<[Float], Error>] {
        counter.lock.withLock { counter.paths[inner.preprocessing.fingerprint, default: []] += paths }
        return try inner.embedAudio(paths: paths)
    }
    public func embedText(_ texts: [String]) throws -> Tensor { try inner.embedText(texts) }
    public func tokenize(_ texts: [String]) throws -> TokenBatch { try inner.tokenize(texts) }
    public func tokenEmbeddings(_ tokens: TokenBatch) throws -> Tensor { try inner.tokenEmbeddings(tokens) }
    public func textFeatures(tokenEmbeddings: Tensor, tokens: TokenBatch) throws -> Tensor { try inner.textFeatures(tokenEmbeddings: tokenEmbeddings, tokens: tokens) }
    public func withPreprocessing(_ preprocessing: PreprocessingConfig) throws -> AudioLanguageModel {
        CountingModel(try inner.withPreprocessing(preprocessing), counter: counter)
    }
}
