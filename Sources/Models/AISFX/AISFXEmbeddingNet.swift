import Foundation
import Tensor

// The aisfx sound-effects embedding CNN.
//
// Provenance: PyPI `aisfx` 0.1.2 (Tidemann/Lee, ISMIR 2022 "X-Sequential-CE" model),
// `aisfx/models/cnn2d.py` `EmbeddingNet` (itself the DCASE 2018 cross-task baseline
// `Cnn_9layers`), loaded as `CrossNet(EmbeddingNet('max', 3, 1, 64), ds_dict)` from
// `aisfx/models/checkpoint.pth`, a `(state_dict, ds_dict)` tuple. Only `embedding_net.*` is the
// embedding; `fc.*` are the per-dataset classifier heads of its training (listed as ignored),
// and `num_batches_tracked` counters are training state.
//
// Forward (`EmbeddingNet.forward`): input `[N, T=100, F=96]` (time as height, mel as width:
// the model was trained time-major; aisfx's librosa path forgets that transpose, palm does
// not copy the slip), unsqueeze to `[N, 1, T, F]`, 4 `ConvBlock`s with 64/128/256/512
// channels, max-pool 2x2 (floor) after blocks 1-3, then the mean over mel and the max over
// time -> `[N, 512]`. BatchNorm uses running statistics (eval).
//
// Clip embedding (palm's rule; aisfx defines none): the mean of the clip's block embeddings.
// The blocks overlap by half, so the mean weighs every part of the clip about equally; a
// clip shorter than one block is one zero-padded block (the `Audio` preset's blocking).

/// aisfx's EmbeddingNet: `[N, blockFrames, melBins]` log-mel blocks -> `[N, 512]`.
public struct AISFXEmbeddingNet: Sendable {
    public let config: AISFXConfig
    public let blocks: [ConvBlock]
    /// Keys present in the checkpoint and deliberately not loaded.
    public let ignoredKeys: [String]

    /// Loads `embedding_net.conv_block{1..4}.*` from `source` (the aisfx checkpoint or a
    /// fixture); every other key must be a classifier head (`fc.*`) or a BN counter.
    public init(_ source: TensorSource, config c: AISFXConfig = .aisfx012) throws {
        config = c
        let root = WeightLoader(source)
        let net = root.scoped("embedding_net")
        var inChannels = 1
        var built: [ConvBlock] = []
        for (i, out) in c.channels.enumerated() {
            built.append(try ConvBlock(net.scoped("conv_block\(i + 1)"), inChannels: inChannels, outChannels: out,
                                       pool: i < 3 ? (2, 2) : (1, 1), pooling: .max))
            inChannels = out
        }
        blocks = built
        ignoredKeys = try root.finish(ignorablePrefixes: ["fc."])
    }

    /// `$PALM_AISFX_CHECKPOINT` when set, else `aisfx/models/checkpoint.pth` in the first Python
    /// `site-packages` that has it.
    public static func locateCheckpoint() -> String? {
        if let p = ProcessInfo.processInfo.environment["PALM_AISFX_CHECKPOINT"], !p.isEmpty { return p }
        return SitePackages.find("aisfx/models", containing: "checkpoint.pth").map { $0 + "/checkpoint.pth" }
    }

    /// The BatchNorms' running statistics by checkpoint name (`embedding_net.conv_block1.bn1`, ...).
    public var normalizationStatistics: [String: BatchNormStatistics] {
        var out: [String: BatchNormStatistics] = [:]
        for (i, b) in blocks.enumerated() {
            out[Self.bnKey(i, 1)] = b.bn1.statistics
            out[Self.bnKey(i, 2)] = b.bn2.statistics
        }
        return out
    }

    static func bnKey(_ block: Int, _ bn: Int) -> String { "embedding_net.conv_block\(block + 1).bn\(bn)" }

    private func checkBlocks(_ blocks: Tensor) throws {
        guard blocks.rank == 3 else {
            throw TensorError.shapeMismatch(op: "AISFXEmbeddingNet", shapes: [blocks.shape], reason: "expected blocks [N, frames, mels]")
        }
        guard blocks.shape[1] >= 8, blocks.shape[2] >= 8 else {
            throw TensorError.invalidArgument(op: "AISFXEmbeddingNet", message: "blocks of \(blocks.shape[1]) x \(blocks.shape[2]) are too small for three 2x2 pools")
        }
    }

    /// Block embeddings `[N, 512]` of log-mel blocks `[N, T, F]` (time-major; any `T`, `F`
    /// that survive three 2x2 pools), eval mode; `statistics` (by checkpoint name) replace the
    /// BatchNorms' running statistics. Runs without the tape.
    public func callAsFunction(_ blocks: Tensor, statistics: [String: BatchNormStatistics]? = nil) throws -> Tensor {
        try checkBlocks(blocks)
        return try GradMode.withoutGrad {
            var x = try blocks.unsqueeze(1)
            for (i, b) in self.blocks.enumerated() {
                let s = statistics.flatMap { st in st[Self.bnKey(i, 1)].flatMap { a in st[Self.bnKey(i, 2)].map { (a, $0) } } }
                x = try b(x, statistics: s)
            }
            return try x.mean(axis: 3).max(axis: 2)
        }
    }

    /// Train mode (`model.train()`): every BatchNorm normalises with the statistics of these
    /// blocks and moves `statistics` (by checkpoint name; the loaded ones when absent).
    public func training(_ blocks: Tensor, statistics: inout [String: BatchNormStatistics]) throws -> Tensor {
        try checkBlocks(blocks)
        return try GradMode.withoutGrad {
            var x = try blocks.unsqueeze(1)
            for (i, b) in self.blocks.enumerated() {
                var s = (statistics[Self.bnKey(i, 1)] ?? b.bn1.statistics, statistics[Self.bnKey(i, 2)] ?? b.bn2.statistics)
                x = try b.training(x, statistics: &s)
                statistics[Self.bnKey(i, 1)] = s.0
                statistics[Self.bnKey(i, 2)] = s.1
            }
            return try x.mean(axis: 3).max(axis: 2)
        }
    }

    /// One clip's embedding `[512]` from its blocks `[N, T, F]`: the mean of the block
    /// embeddings (palm's rule; see the file header). Blocks are run `batchSize` at a time.
    public func clipEmbedding(blocks: Tensor, batchSize: Int = 16, statistics: [String: BatchNormStatistics]? = nil) throws -> Tensor {
        let n = blocks.shape[0]
        guard n > 0 else { throw TensorError.invalidArgument(op: "AISFXEmbeddingNet", message: "a clip needs at least one block") }
        var parts: [Tensor] = []
        for s in stride(from: 0, to: n, by: batchSize) {
            parts.append(try self(blocks.slice(axis: 0, start: s, end: min(s + batchSize, n)), statistics: statistics))
        }
        let all = parts.count == 1 ? parts[0] : try Tensor.concat(parts, axis: 0)
        return try GradMode.withoutGrad { try all.mean(axis: 0) }
    }
}
