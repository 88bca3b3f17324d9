import Audio
import Tensor

/// The frozen audio path of the log-mel encoders (PENGI, MS-CLAP 2023): files are decoded and
/// turned into log-mels `batchSize` at a time on `threads` threads, stacked into
/// `[B, 1, frames, mels]` and encoded together. A file that cannot be read is a failure in its
/// slot; the others of its batch go on.
public enum LogMelBatches {
    public static func embed(paths: [String], preprocessing: PreprocessingConfig, batchSize: Int, threads: Int,
                             encode: (Tensor) throws -> Tensor) throws -> [Result<[Float], Error>] {
        let pre = Preprocessor(config: preprocessing), step = max(1, batchSize)
        var out = [Result<[Float], Error>?](repeating: nil, count: paths.count)
        for start in stride(from: 0, to: paths.count, by: step) {
            let chunk = Array(start..<min(start + step, paths.count))
            let mels = pre.featuresAll(chunk.map { paths[$0] }, threads: threads)
            var good: [(Int, Tensor)] = []
            for (i, r) in zip(chunk, mels) {
                switch r {
                case .success(let m): good.append((i, m))
                case .failure(let e): out[i] = .failure(e)
                }
            }
            guard !good.isEmpty else { continue }
            let emb = try encode(Tensor.stack(good.map { $0.1 }).unsqueeze(1))  // [B, 1, frames, mels] -> [B, d]
            let d = emb.shape[1], values = emb.toArray()
            for (row, (i, _)) in good.enumerated() { out[i] = .success(Array(values[(row * d)..<((row + 1) * d)])) }
        }
        return out.map { $0! }
    }
}
