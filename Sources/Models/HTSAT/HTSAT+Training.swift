import Tensor

// HTSAT in train mode, as `model.train()` leaves it in the PALM reference (PENGI's htsat.py):
//   x = bn0(logmel)             batch statistics; the running ones move by momentum 0.1
//   x = spec_augmenter(x)       torchlibrosa SpecAugmentation: per clip, 2 time stripes of
//                               width [0, 64) then 2 frequency stripes of width [0, 8) zeroed
//   reshape_wav2img, patch embedding, Swin stages with drop-path (stochastic depth: rate
//   linear from 0 to 0.1 over the 12 blocks, per clip keep 1/(1-p)-scaled or drop)
//   norm, mean over tokens
// The weights stay frozen: no tape. Random draws come from palm's generator (the reference's
// come from torch's global stream, which cannot be reproduced outside torch).

/// What train mode switches on in HTSAT; every part on by default, as in the reference.
public struct HTSATTrainingOptions: Sendable {
    /// SpecAugment (2 time stripes up to 64 frames, 2 frequency stripes up to 8 bins).
    public var specAugment = true
    /// The drop-path rate of the last block (stochastic depth grows linearly to it).
    public var dropPathRate: Float = 0.1
    public init() {}
}

extension HTSAT {
    /// Train-mode pooled embeddings `[B, numFeatures]` of log-mels `[B, 1, T, mels]`: `bn0`
    /// normalises with the batch's statistics and updates `statistics` (start from the loaded
    /// ones, `bn0.statistics`), then SpecAugment and drop-path, all drawn from `generator`.
    public func training(logMel x: Tensor, statistics: inout BatchNormStatistics, generator g: inout SeededGenerator,
                         options: HTSATTrainingOptions = HTSATTrainingOptions()) throws -> Tensor {
        try checkLogMel(x)
        return try GradMode.withoutGrad {
            var y = try bn0.training(x, channelAxis: 3, running: &statistics).contiguous()
            if options.specAugment { SpecAugment.reference.apply(to: y, generator: &g) }
            let depth = config.depths.reduce(0, +)
            var k = 0
            return try tower(image(normalized: y)) { block, h in
                // timm's `torch.linspace(0, rate, depth)[k]`.
                let rate = depth > 1 ? options.dropPathRate * Float(k) / Float(depth - 1) : 0
                k += 1
                return try block.training(h, dropPath: rate, generator: &g)
            }
        }
    }
}

/// torchlibrosa's `SpecAugmentation` (`DropStripes` on time, then on frequency) in train mode.
public struct SpecAugment: Sendable {
    public var timeDropWidth: Int
    public var timeStripes: Int
    public var frequencyDropWidth: Int
    public var frequencyStripes: Int

    /// HTSAT's: `SpecAugmentation(time_drop_width=64, time_stripes_num=2, freq_drop_width=8,
    /// freq_stripes_num=2)`.
    public static let reference = SpecAugment(timeDropWidth: 64, timeStripes: 2, frequencyDropWidth: 8, frequencyStripes: 2)

    /// Zeroes stripes of the contiguous `x [B, 1, T, F]` in place: for each clip and stripe, a
    /// width in `[0, dropWidth)` and a start in `[0, total - width)` (as `torch.randint`).
    public func apply(to x: Tensor, generator g: inout SeededGenerator) {
        precondition(x.rank == 4 && x.isContiguous, "SpecAugment wants a contiguous [B, C, T, F]")
        let (b, ch, t, f) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let p = x.pointer
        for n in 0..<b {
            for _ in 0..<timeStripes {
                let width = g.int(below: timeDropWidth), start = g.int(below: max(1, t - width))
                for c in 0..<ch { (p + ((n * ch + c) * t + start) * f).update(repeating: 0, count: width * f) }
            }
        }
        for n in 0..<b {
            for _ in 0..<frequencyStripes {
                let width = g.int(below: frequencyDropWidth), start = g.int(below: max(1, f - width))
                for c in 0..<ch {
                    for row in 0..<t { (p + ((n * ch + c) * t + row) * f + start).update(repeating: 0, count: width) }
                }
            }
        }
    }
}
