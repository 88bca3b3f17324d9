/// How `Preprocessor.clip(path:reading:)` reads a file.
public enum ClipReading: Sendable, Equatable {
    /// Only the frames the clip needs, when that gives exactly the samples a whole-file read
    /// gives and reads less; otherwise the whole file. The default.
    case automatic
    /// Always the whole file, resampled, then cropped or tiled: the reference the crop-only
    /// path is checked against.
    case wholeFile
}

/// Crop-only reading: a long file's clip from the frames the crop needs, not the whole file.
///
/// A clip policy keeps `length` samples of the resampled stream from a start that depends only
/// on the stream's length (and, for `.random`, one draw from the file's generator). For an
/// encoding whose frame count is exact and whose seeks are exact (`AudioHeader.seeksExactly`:
/// PCM, float, A-law/µ-law, FLAC), that length is known from the header, so the start is drawn
/// as the whole-file path draws it, and only the input frames under the crop are decoded, plus
/// the resampler's support around them, widened to whole sgemm blocks
/// (`Resampler.inputRange(for:length:)`) so the arithmetic is the same as the full resample's.
/// The result is the same samples, bit for bit.
///
/// The whole file is still read when the crop-only read would not be exact or would not save
/// anything: no clip policy, peak normalisation (the peak is the whole stream's), a file no
/// longer than the clip (it is tiled), fusion (the whole clip is kept), Ogg/MP3/ADPCM (their
/// frame counts or seeks are not exact; they are decoded from the start as before), or a crop
/// whose support covers the file.
///
/// What differs from a whole-file read: samples outside the crop are not looked at, so a NaN
/// there is not reported (it would not reach the features either). A file cut short is still
/// refused: its last announced frame is read before the crop is trusted.
extension Preprocessor {
    /// The input frame ranges `clip(path:)` decodes from the file at `path` (one per channel
    /// stream the crop touches), or nil when it decodes the whole file. Reads the header only.
    public func cropOnlyFrames(path: String) throws(AudioError) -> [Range<Int>]? {
        if let p = config.problem { throw .invalidParameter(path: path, reason: p) }
        return try cropPlan(AudioFileReader(path: path, limits: decoder.limits))?.pieces.map(\.inputs)
    }

    /// The clip from the frames it needs, or nil when the whole file must be read.
    func cropOnly(_ reader: AudioFileReader) throws(AudioError) -> [Float]? {
        guard let plan = try cropPlan(reader) else { return nil }
        try reader.checkLastFrame()
        var out = [Float]()
        out.reserveCapacity(plan.length)
        for piece in plan.pieces {
            let window = try reader.read(frames: piece.inputs)
            let stream = config.channels == .concat ? window[piece.stream] : config.channels.reduce(window)[0]
            out += stream.withUnsafeBufferPointer {
                plan.resampler.resample(window: $0, from: piece.inputs.lowerBound, length: reader.declaredFrames, outputs: piece.outputs)
            }
        }
        return out
    }

    /// Where the crop falls and what it reads, or nil when the whole file must be read. Draws
    /// the crop start from the file's generator exactly as the whole-file path does.
    private func cropPlan(_ reader: AudioFileReader) throws(AudioError) -> CropPlan? {
        guard let policy = config.clip, policy.crop != .fusion, !config.peakNormalize, reader.header.seeksExactly else { return nil }
        let r = try resampler(from: reader.sampleRate, path: reader.path)
        let frames = reader.declaredFrames
        // The stream the whole-file path would build: one resampled channel per channel with
        // `concat` (joined in order), one with `mean` or `first`.
        let perStream = r.outputLength(frames)
        let streams = config.channels == .concat ? reader.channelCount : 1
        let (total, overflow) = perStream.multipliedReportingOverflow(by: streams)
        guard !overflow, total > policy.length else { return nil }  // tiled, or exactly one clip
        var g = cropGenerator(for: reader.path)
        let start = policy.cropStart(count: total, generator: &g)
        let crop = start..<start + policy.length

        var pieces: [CropPlan.Piece] = []
        for s in 0..<streams {
            let offset = s * perStream
            let lo = max(crop.lowerBound, offset) - offset, hi = min(crop.upperBound, offset + perStream) - offset
            if hi <= lo { continue }  // the crop misses this stream (a Range must not be built upside down)
            pieces.append(.init(stream: s, outputs: lo..<hi, inputs: r.inputRange(for: lo..<hi, length: frames)))
        }
        guard pieces.reduce(0, { $0 + $1.inputs.count }) < frames else { return nil }
        return CropPlan(resampler: r, length: policy.length, pieces: pieces)
    }
}

/// A crop-only read: for each channel stream the crop touches, which of its resampled samples
/// the crop keeps and which input frames they are computed from.
private struct CropPlan {
    struct Piece {
        /// Channel index with `concat`; 0 (the reduced stream) otherwise.
        let stream: Int
        /// Samples of that stream, after resampling, that belong to the crop.
        let outputs: Range<Int>
        /// Input frames they are computed from (`Resampler.inputRange(for:length:)`).
        let inputs: Range<Int>
    }
    let resampler: Resampler
    /// Samples in the clip.
    let length: Int
    let pieces: [Piece]
}
