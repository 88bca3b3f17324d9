import Audio
import Foundation
import Tensor
import XCTest

/// A long clip decodes only the frames its crop needs (`Preprocessor.clip(path:)`), and gives
/// the same samples, bit for bit, as decoding the whole file, resampling it and cropping it
/// (`ClipReading.wholeFile`). The recordings are real sounds (LongRecording) written in the
/// test's temporary directory and removed after.
final class CropOnlyReadingTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    /// The presets and the crop and channel rules they can be varied to. With `concat`, a
    /// centre crop of a stereo file always straddles the join of the left and right streams.
    static let configs: [(String, PreprocessingConfig)] = {
        var center = PreprocessingConfig.pengi
        center.clip?.crop = .center
        var start = PreprocessingConfig.pengi
        start.clip?.crop = .start
        var first = PreprocessingConfig.pengiClean
        first.channels = .first
        var seeded = PreprocessingConfig.pengi
        seeded.cropSeed = 42
        return [("pengi", .pengi), ("pengi-clean", .pengiClean), ("concat-center", center), ("concat-start", start),
                ("first-center", first), ("pengi-seed42", seeded)]
    }()

    func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && a.elementsEqual(b) { $0.bitPattern == $1.bitPattern }
    }

    /// Every config: the crop-only clip equals the whole-file clip bit for bit; returns the
    /// largest number of frames a crop-only read decodes (nil when every config reads the whole file).
    @discardableResult
    func assertCropOnlyMatchesWholeFile(_ path: String, configs: [(String, PreprocessingConfig)] = CropOnlyReadingTests.configs,
                                        line: UInt = #line) throws -> Int? {
        let frames = try AudioDecoder().header(path).frames
        var most: Int?
        for (name, config) in configs {
            let pre = Preprocessor(config: config)
            let plan = try pre.cropOnlyFrames(path: path)
            let cropOnly = try pre.clip(path: path)
            let whole = try pre.clip(path: path, reading: .wholeFile)
            let read = plan.map { $0.reduce(0) { $0 + $1.count } }
            print("crop-only \((path as NSString).lastPathComponent) \(name): decodes \(read.map(String.init) ?? "all") of \(frames) frames, "
                  + "max |diff| vs whole file = \(maxAbsDiff(cropOnly, whole, line: line))")
            XCTAssertEqual(cropOnly.count, config.clip?.length, name, line: line)
            XCTAssertTrue(sameBits(cropOnly, whole), "\(name): crop-only and whole-file clips differ", line: line)
            if let read { most = max(most ?? 0, read) }
        }
        return most
    }

    /// The 10-minute WAV (here 44.1 kHz mono 16-bit, 53 MB): each crop decodes exactly
    /// the 308 700 frames it keeps (no resampling at 44.1 kHz), 2 % of the file, and gives the
    /// whole-file clip's samples.
    func testTenMinuteWAVDecodesOnlyTheCrop() throws {
        let path = dir + "/ten-minutes.wav"
        try LongRecording.write(path, seconds: 600, rate: 44100, channels: 1, format: .wav16)
        // Two configs (random and centre crops) keep the test quick; mono makes the others equivalent.
        let most = try XCTUnwrap(try assertCropOnlyMatchesWholeFile(path, configs: Array(Self.configs.prefix(2))),
                                 "a 10-minute WAV must be read crop-only")
        XCTAssertEqual(most, 308_700)
        // The features the models see go through the same crop-only path.
        let pre = Preprocessor(config: .pengi)
        XCTAssertEqual(try pre.features(path: path).toArray(), try pre.features(clip: pre.clip(path: path, reading: .wholeFile)).toArray())
    }

    /// Resampled rates (48, 22.05, 16 and 8 kHz to 44.1 kHz), stereo and mono, 16/24-bit, float
    /// and FLAC: crop-only reads decode the crop plus the resampler's support, widened to whole
    /// sgemm blocks, and match the whole-file clip bit for bit.
    func testResampledAndMultichannelFilesMatchWholeFile() throws {
        let cases: [(String, Int, Int, AudioFileFormat, Double)] = [
            ("48k-stereo-24bit.wav", 48000, 2, .wav24, 60), ("22k-stereo.wav", 22050, 2, .wav16, 30),
            ("16k-mono-float.wav", 16000, 1, .wavFloat, 150), ("8k-mono.wav", 8000, 1, .wav16, 240),
            ("44k-stereo.flac", 44100, 2, .flac16, 40),
        ]
        for (name, rate, channels, format, seconds) in cases {
            let path = dir + "/" + name
            try LongRecording.write(path, seconds: seconds, rate: rate, channels: channels, format: format)
            let frames = try AudioDecoder().header(path).frames
            let most = try XCTUnwrap(try assertCropOnlyMatchesWholeFile(path), "\(name) must be read crop-only")
            XCTAssertLessThan(most, frames, name)
        }
    }

    /// The resampler's windowed entry gives the full call's outputs for any range, bit for bit,
    /// from only `inputRange(for:length:)` of the input.
    func testResamplerWindowMatchesFullResample() {
        var g = SeededGenerator(seed: 14)
        for (a, b) in [(48000, 44100), (8000, 44100), (22050, 44100), (44100, 16000), (44100, 44100)] {
            let r = Resampler(from: a, to: b)
            let x = LongRecording.samples(seconds: 30, rate: a, channels: 1)[0]
            let full = r(x)
            for _ in 0..<8 {
                let lo = g.int(below: full.count - 1), hi = lo + 1 + g.int(below: min(400_000, full.count - lo))
                let inputs = r.inputRange(for: lo..<hi, length: x.count)
                let window = Array(x[inputs])
                let part = window.withUnsafeBufferPointer { r.resample(window: $0, from: inputs.lowerBound, length: x.count, outputs: lo..<hi) }
                XCTAssertTrue(sameBits(part, Array(full[lo..<hi])), "\(a) -> \(b), outputs \(lo)..<\(hi)")
            }
        }
    }

    /// Proof that frames outside the crop are never decoded: a float WAV whose first and last
    /// 30 s are NaN. The whole-file read refuses it; the centre crop (56.5-63.5 s) reads only
    /// clean frames and gives the clip of the unpoisoned recording.
    func testFramesOutsideTheCropAreNeverDecoded() throws {
        let rate = 44100, clean = dir + "/clean.wav", poisoned = dir + "/poisoned.wav"
        var x = try LongRecording.write(clean, seconds: 120, rate: rate, channels: 1, format: .wavFloat)
        for i in 0..<30 * rate { x[0][i] = .nan }
        for i in 90 * rate..<120 * rate { x[0][i] = .nan }
        try AudioWriter.write(x, sampleRate: rate, to: poisoned, format: .wavFloat)
        let pre = Preprocessor(config: .pengiClean)
        XCTAssertThrowsError(try pre.clip(path: poisoned, reading: .wholeFile)) { error in
            guard case .nonFiniteSamples(let path, _, let first)? = error as? AudioError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, poisoned)
            XCTAssertEqual(first, 0)
        }
        XCTAssertTrue(sameBits(try pre.clip(path: poisoned), try pre.clip(path: clean)))
    }

    /// A file cut short is refused on the crop-only path too: the header's length places the
    /// crop, so the last frame it announces is read first.
    func testTruncatedLongFilesAreStillRefused() throws {
        for (name, format) in [("cut.flac", AudioFileFormat.flac16), ("cut.wav", .wav16)] {
            let path = dir + "/" + name
            try LongRecording.write(path, seconds: 120, rate: 44100, channels: 1, format: format)
            let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).uint64Value
            let h = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
            try h.truncate(atOffset: size * 6 / 10)
            try h.close()
            XCTAssertThrowsError(try Preprocessor(config: .pengiClean).clip(path: path)) { error in
                print("crop-only \(name) cut at 60 %: \(error)")
                switch error as? AudioError {
                case .truncated(let p, _)?, .unreadable(let p, _)?: XCTAssertEqual(p, path)
                default: XCTFail("expected .truncated or .unreadable, got \(error)")
                }
            }
        }
    }

    /// Ogg Vorbis and MP3 frame counts and seeks are not exact in libsndfile: those files are
    /// decoded whole, as before (and the clip is the same either way).
    func testCompressedFilesAreDecodedWhole() throws {
        var tried = 0
        for (format, ext) in [(AudioFileFormat.oggVorbis, "ogg"), (.mp3, "mp3")] where format.isWritable(sampleRate: 44100, channels: 1) {
            tried += 1
            let path = dir + "/long." + ext
            try LongRecording.write(path, seconds: 30, rate: 44100, channels: 1, format: format)
            XCTAssertFalse(try AudioDecoder().header(path).seeksExactly, ext)
            let pre = Preprocessor(config: .pengi)
            XCTAssertNil(try pre.cropOnlyFrames(path: path), ext)
            XCTAssertTrue(sameBits(try pre.clip(path: path), try pre.clip(path: path, reading: .wholeFile)), ext)
        }
        XCTAssertGreaterThan(tried, 0, "no compressed format is writable here")
    }

    /// Files up to the clip length are tiled from the whole file, as before; aisfx (no clip
    /// policy, peak-normalised) always reads the whole file.
    func testShortFilesAndWholeFileConfigsReadEverything() throws {
        let path = dir + "/short.wav"
        try LongRecording.write(path, seconds: 6, rate: 44100, channels: 1, format: .wav16)
        XCTAssertNil(try Preprocessor(config: .pengi).cropOnlyFrames(path: path))
        let long = dir + "/long.wav"
        try LongRecording.write(long, seconds: 60, rate: 44100, channels: 1, format: .wav16)
        XCTAssertNil(try Preprocessor(config: .aisfx).cropOnlyFrames(path: long))
        XCTAssertNotNil(try Preprocessor(config: .pengi).cropOnlyFrames(path: long))
    }
}
