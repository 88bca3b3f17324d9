import Audio
import Tensor

/// The audio path models share: files -> log-mels through a `Preprocessor` on `threads`
/// threads -> an encoder, `batchSize` clips at a time.
public enum LogMelBatches {
    /// One `[d]` result per path, in order. A file that cannot be read is a failure in its slot
    /// and the rest go on; `encode` maps a batch of log-mels `[B, 1, T, mels]` to `[B, d]`.
    /// Clips of different lengths (a front-end that keeps whole files) are encoded one by one.
    public static func embed(paths: [String], preprocessing: PreprocessingConfig, batchSize: Int, threads: Int,
                             encode: (Tensor) throws -> Tensor) throws -> [Result<[Float], Error>] {
        let pre = Preprocessor(config: preprocessing)
        if pre.makesFusionInput {
            throw AudioError.invalidParameter(path: paths.first ?? "<audio>", reason:
                "a fusion front-end (crop fusion, e.g. laion-clap-fusion) makes LAION-CLAP fusion input, which only a LAION-CLAP fusion checkpoint reads")
        }
        return try embed(paths: paths, batchSize: batchSize, read: { pre.featuresAll($0, threads: threads) }, shape: \.shape) {
            try encode(Tensor.stack($0).unsqueeze(1))
        }
    }

    /// LAION-CLAP's fusion inputs (`Preprocessor.fusionMel(path:)`, all `[4, frames, mels]`),
    /// `batchSize` clips at a time through `encode` (`[B, d]`).
    public static func embedFusion(paths: [String], preprocessing: PreprocessingConfig, batchSize: Int, threads: Int,
                                   encode: ([FusionMel]) throws -> Tensor) throws -> [Result<[Float], Error>] {
        let pre = Preprocessor(config: preprocessing)
        return try embed(paths: paths, batchSize: batchSize, read: { pre.fusionMelAll($0, threads: threads) }, shape: \.mel.shape,
                         encode: encode)
    }

    /// The batching both share: `read` makes each chunk's inputs (a failure stays in its slot),
    /// inputs of equal `shape` are encoded together, others one by one.
    static func embed<Input>(paths: [String], batchSize: Int, read: ([String]) -> [Result<Input, AudioError>], shape: (Input) -> [Int],
                             encode: ([Input]) throws -> Tensor) throws -> [Result<[Float], Error>] {
        let step = max(1, batchSize)
        var out = [Result<[Float], Error>?](repeating: nil, count: paths.count)
        for start in stride(from: 0, to: paths.count, by: step) {
            let chunk = Array(start..<min(start + step, paths.count))
            var good: [(Int, Input)] = []
            for (i, r) in zip(chunk, read(chunk.map { paths[$0] })) {
                switch r {
                case .success(let m): good.append((i, m))
                case .failure(let e): out[i] = .failure(e)
                }
            }
            let groups = Set(good.map { shape($0.1) }).count <= 1 ? [good] : good.map { [$0] }
            for group in groups where !group.isEmpty {
                let emb = try encode(group.map { $0.1 })
                let d = emb.shape[1], values = emb.toArray()
                for (row, (i, _)) in group.enumerated() { out[i] = .success(Array(values[(row * d)..<((row + 1) * d)])) }
            }
        }
        return out.map { $0! }
    }
}
