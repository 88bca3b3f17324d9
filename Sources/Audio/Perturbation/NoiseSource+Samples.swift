import Tensor

extension NoiseSource {
    /// `count` samples of noise for one clip at `sampleRate`, drawn from the clip's generator
    /// (unscaled: the mix sets the level). `path` names the clip in errors.
    ///
    /// For `.files`: one file is picked (`generator.int(below: paths.count)`), decoded, mixed to
    /// mono and resampled to `sampleRate`; a file at least as long as the clip gives a
    /// contiguous stretch from a random start in `0...(length - count)`, a shorter one is
    /// looped from a random start in `0..<length`.
    func samples(count: Int, sampleRate: Int, generator: inout SeededGenerator, path: String) throws(AudioError) -> [Float] {
        switch self {
        case .white: return ColouredNoise.white(count: count, generator: &generator)
        case .pink: return ColouredNoise.pink(count: count, sampleRate: sampleRate, generator: &generator)
        case .brown: return ColouredNoise.brown(count: count, sampleRate: sampleRate, generator: &generator)
        case .files(let label, let paths):
            if paths.isEmpty { throw .invalidParameter(path: path, reason: "noise source \(label) holds no files") }
            let file = paths[generator.int(below: paths.count)]
            let noise = try MonoAudioCache.shared.samples(file, sampleRate: sampleRate)
            if noise.isEmpty { throw .zeroLength(path: file) }
            if noise.count >= count {
                let start = generator.int(below: noise.count - count + 1)
                return Array(noise[start..<start + count])
            }
            var start = generator.int(below: noise.count)
            var out = [Float]()
            out.reserveCapacity(count)
            while out.count < count {
                let take = min(noise.count - start, count - out.count)
                out.append(contentsOf: noise[start..<start + take])
                start = 0
            }
            return out
        }
    }
}
