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
        let step = max(1, batchSize)
        var out = [Result<[Float], Error>?](repeating: nil, count: paths.count)
        for start in stride(from: 0, to: paths.count, by: step) {
            let chunk = Array(start..<min(start + step, paths.count))
            var good: [(Int, Tensor)] = []
            for (i, r) in zip(chunk, pre.featuresAll(chunk.map { paths[$0] }, threads: threads)) {
                switch r {
                case .success(let m): good.append((i, m))
                case .failure(let e): out[i] = .failure(e)
                }
            }
            let groups = Set(good.map { $0.1.shape }).count <= 1 ? [good] : good.map { [$0] }
            for group in groups where !group.isEmpty {
                let emb = try encode(Tensor.stack(group.map { $0.1 }).unsqueeze(1))
                let d = emb.shape[1], values = emb.toArray()
                for (row, (i, _)) in group.enumerated() { out[i] = .success(Array(values[(row * d)..<((row + 1) * d)])) }
            }
        }
        return out.map { $0! }
    }
}
