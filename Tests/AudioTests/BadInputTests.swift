import Audio
import Foundation
import XCTest

/// Each bad input gives an `AudioError` that names the path and the reason. Files are made in
/// a temporary directory (real WAV files are written with libsndfile through `AudioWriter`).
final class BadInputTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws { dir = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    /// Decodes `path` and returns the error (fails the test if decoding succeeds).
    func decodeError(_ path: String, limits: DecodeLimits = DecodeLimits(), line: UInt = #line) -> AudioError? {
        do {
            _ = try AudioDecoder(limits: limits).decode(path)
            XCTFail("decoding \(path) should fail", line: line)
            return nil
        } catch {
            print("bad input: \(error)")
            XCTAssertTrue(error.description.hasPrefix(path + ": "), "error names the path: \(error)", line: line)
            return error
        }
    }

    func sine(_ n: Int, rate: Int = 16000) -> [Float] {
        (0..<n).map { Float(0.5 * sin(2 * Double.pi * 440 * Double($0) / Double(rate))) }
    }

    func testMissingFile() {
        let p = dir + "/nope.wav"
        XCTAssertEqual(decodeError(p), .fileNotFound(path: p))
        XCTAssertTrue(AudioError.fileNotFound(path: p).description.contains("not found"))
    }

    func testDirectoryIsNotAFile() {
        guard case .notAFile(let p, let reason)? = decodeError(dir) else { return XCTFail("expected .notAFile") }
        XCTAssertEqual(p, dir)
        XCTAssertTrue(reason.contains("directory"), reason)
    }

    func testEmptyFile() {
        let p = dir + "/empty.wav"
        _ = FileManager.default.createFile(atPath: p, contents: Data())
        XCTAssertEqual(decodeError(p), .emptyFile(path: p))
    }

    func testTruncatedWAV() throws {
        let p = dir + "/cut.wav"
        try AudioWriter.write([sine(16000)], sampleRate: 16000, to: p, format: .wav16)
        let h = try XCTUnwrap(FileHandle(forUpdatingAtPath: p))
        try h.truncate(atOffset: 44 + 10000)  // header + 5000 of 16000 frames
        try h.close()
        guard case .truncated(_, let reason)? = decodeError(p) else { return XCTFail("expected .truncated") }
        XCTAssertTrue(reason.contains("32000"), reason)
    }

    func testTruncatedInsideHeader() throws {
        let p = dir + "/header.wav"
        try AudioWriter.write([sine(1600)], sampleRate: 16000, to: p, format: .wav16)
        let h = try XCTUnwrap(FileHandle(forUpdatingAtPath: p))
        try h.truncate(atOffset: 20)
        try h.close()
        guard case .truncated? = decodeError(p) else { return XCTFail("expected .truncated") }
    }

    func testTextRenamedWav() {
        let p = dir + "/notes.wav"
        _ = FileManager.default.createFile(atPath: p, contents: Data("These are my field notes, not audio.\n".utf8))
        guard case .notAudio(_, let reason)? = decodeError(p) else { return XCTFail("expected .notAudio") }
        XCTAssertTrue(reason.contains("text"), reason)
    }

    func testUnsupportedContainer() {
        // The start of an MPEG-4 audio file: an `ftyp` box with brand "M4A ".
        let p = dir + "/song.m4a"
        var bytes: [UInt8] = [0, 0, 0, 0x20] + Array("ftypM4A ".utf8) + [0, 0, 0, 0] + Array("M4A mp42isom".utf8)
        bytes += [UInt8](repeating: 0, count: 4) + [UInt8](repeating: 0x5A, count: 2000)
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        guard case .unsupportedFormat(_, let reason)? = decodeError(p) else { return XCTFail("expected .unsupportedFormat") }
        XCTAssertTrue(reason.contains("MPEG-4"), reason)
    }

    /// A real WAV container holding a codec libsndfile does not decode (AC-3, tag 0x2000).
    func testUnsupportedWaveCodec() {
        let p = dir + "/ac3.wav"
        func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
        func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        let payload = [UInt8](repeating: 0x11, count: 1000)
        var fmt = le16(0x2000) + le16(2) + le32(48000) + le32(48000 * 4) + le16(4) + le16(16)
        fmt = Array("fmt ".utf8) + le32(UInt32(fmt.count)) + fmt
        let body = Array("WAVE".utf8) + fmt + Array("data".utf8) + le32(UInt32(payload.count)) + payload
        let bytes = Array("RIFF".utf8) + le32(UInt32(body.count)) + body
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        guard case .unsupportedFormat(_, let reason)? = decodeError(p) else { return XCTFail("expected .unsupportedFormat") }
        XCTAssertTrue(reason.contains("RIFF/WAVE"), reason)
    }

    func testNaNAndInfinitySamples() throws {
        let p = dir + "/nan.wav"
        var x = sine(1000)
        x[10] = .nan
        x[500] = .infinity
        try AudioWriter.write([x], sampleRate: 16000, to: p, format: .wavFloat)
        XCTAssertEqual(decodeError(p), .nonFiniteSamples(path: p, count: 2, firstFrame: 10))
    }

    func testZeroLengthClip() throws {
        let p = dir + "/zero.wav"
        try AudioWriter.write([[]], sampleRate: 16000, to: p, format: .wav16)
        XCTAssertEqual(decodeError(p), .zeroLength(path: p))
    }

    /// One frame is a clip: PENGI's front-end tiles it to the clip length, aisfx's pads it to one
    /// block. (0 frames is `.zeroLength`, above.)
    func testOneFrameClip() throws {
        let p = dir + "/one.wav"
        try AudioWriter.write([[0.25]], sampleRate: 16000, to: p, format: .wav16)
        XCTAssertEqual(try AudioDecoder().decode(p).frameCount, 1)
        XCTAssertEqual(try Preprocessor(config: .pengi).features(path: p).shape, [965, 64])
        XCTAssertEqual(try Preprocessor(config: .aisfx).features(path: p).shape, [1, 100, 96])
    }

    /// A header's rate below 1 kHz or above 768 kHz is refused from the header, naming the file
    /// and the rate (a 1 Hz file used to be embedded: resampled to 44.1 kHz, it became 44 100
    /// times longer). The edges of the range are accepted; WAV and FLAC alike.
    func testSampleRateOutsideTheAudioRangeIsRefused() throws {
        for (rate, format, ext) in [(1, AudioFileFormat.wav16, "wav"), (2, .wav16, "wav"), (999, .wav16, "wav"),
                                    (768_001, .wav16, "wav"), (1_000_000, .wav16, "wav"), (500, .flac16, "flac")] {
            let p = dir + "/rate\(rate).\(ext)"
            try AudioWriter.write([sine(4000)], sampleRate: rate, to: p, format: format)
            XCTAssertEqual(decodeError(p), .sampleRateOutOfRange(path: p, rate: rate))
            XCTAssertThrowsError(try AudioDecoder().header(p))
            // Both front-end paths: decode-all (PENGI) and crop-only reading (aisfx, the demo's).
            for config in [PreprocessingConfig.pengi, .aisfx] {
                XCTAssertThrowsError(try Preprocessor(config: config).features(path: p)) { error in
                    XCTAssertEqual(error as? AudioError, .sampleRateOutOfRange(path: p, rate: rate))
                    let text = "\(error)"
                    XCTAssertTrue(text.hasPrefix(p + ": ") && text.contains(" \(rate) Hz") && text.contains("1 kHz to 768 kHz"), text)
                }
            }
        }
        for rate in [1_000, 768_000] {
            let p = dir + "/edge\(rate).wav"
            try AudioWriter.write([sine(4000)], sampleRate: rate, to: p, format: .wav16)
            XCTAssertEqual(try AudioDecoder().decode(p).sampleRate, rate)
        }
    }

    /// A WAV whose data chunk announces bytes the file does not hold is truncated, even when no
    /// whole frame is left (not a zero-length clip).
    func testDataChunkWithNoBytesLeft() throws {
        let p = dir + "/cut44.wav"
        try AudioWriter.write([sine(1600)], sampleRate: 16000, to: p, format: .wav16)
        let h = try XCTUnwrap(FileHandle(forUpdatingAtPath: p))
        try h.truncate(atOffset: 44)
        try h.close()
        guard case .truncated? = decodeError(p) else { return XCTFail("expected .truncated") }
    }

    /// A file over the configured duration limit is refused from its header, before reading.
    func testHugeFileByDuration() throws {
        let p = dir + "/long.wav"
        try AudioWriter.write([sine(48000)], sampleRate: 16000, to: p, format: .wav16)  // 3 s
        XCTAssertEqual(decodeError(p, limits: DecodeLimits(maxDurationSeconds: 1)),
                       .tooLong(path: p, seconds: 3, limit: 1))
        // At the lowest accepted rate: 8000 frames at 1 kHz (8 s) against a 5 s limit.
        let q = dir + "/slow.wav"
        try AudioWriter.write([sine(8000)], sampleRate: 1000, to: q, format: .wav16)
        XCTAssertEqual(decodeError(q, limits: DecodeLimits(maxDurationSeconds: 5)), .tooLong(path: q, seconds: 8, limit: 5))
    }

    func testHugeFileBySize() throws {
        let p = dir + "/big.wav"
        try AudioWriter.write([sine(16000)], sampleRate: 16000, to: p, format: .wav16)
        guard case .fileTooLarge(_, let bytes, let limit)? = decodeError(p, limits: DecodeLimits(maxFileBytes: 1000)) else {
            return XCTFail("expected .fileTooLarge")
        }
        XCTAssertEqual(bytes, 32044)
        XCTAssertEqual(limit, 1000)
    }

    /// Batch decoding reports each failure in its slot and decodes the rest.
    func testBatchReportsPerFileFailures() throws {
        let good = dir + "/good.wav", text = dir + "/text.wav", missing = dir + "/missing.flac"
        try AudioWriter.write([sine(1600)], sampleRate: 16000, to: good, format: .wav16)
        _ = FileManager.default.createFile(atPath: text, contents: Data("not audio".utf8))
        for threads in [1, 2] {
            let results = AudioDecoder().decodeAll([good, missing, text, good], threads: threads)
            XCTAssertEqual(results.count, 4)
            XCTAssertEqual(try results[0].get().frameCount, 1600)
            XCTAssertEqual(try results[3].get().frameCount, 1600)
            guard case .failure(.fileNotFound(let p1)) = results[1] else { return XCTFail("slot 1") }
            XCTAssertEqual(p1, missing)
            guard case .failure(.notAudio(let p2, _)) = results[2] else { return XCTFail("slot 2") }
            XCTAssertEqual(p2, text)
        }
    }

    /// The preprocessor's batch path reports per-file failures too, and errors keep the path.
    func testPreprocessorBatch() throws {
        let good = dir + "/good.wav", missing = dir + "/missing.wav"
        try AudioWriter.write([sine(22050, rate: 22050)], sampleRate: 22050, to: good, format: .wav16)
        let results = Preprocessor(config: .pengi).featuresAll([missing, good], threads: 2)
        guard case .failure(let e) = results[0] else { return XCTFail("missing file should fail") }
        XCTAssertEqual(e.path, missing)
        XCTAssertEqual(try results[1].get().shape, [965, 64])
    }

    /// A truncated FLAC stream: fewer frames than its STREAMINFO announces.
    func testTruncatedFLAC() throws {
        let p = dir + "/cut.flac"
        let x = (0..<48000).map { Float(0.5 * sin(Double($0) * 0.05)) + Float($0 % 13) * 0.001 }
        try AudioWriter.write([x], sampleRate: 16000, to: p, format: .flac16)
        let size = try XCTUnwrap((try FileManager.default.attributesOfItem(atPath: p))[.size] as? NSNumber).uint64Value
        let h = try XCTUnwrap(FileHandle(forUpdatingAtPath: p))
        try h.truncate(atOffset: size / 2)
        try h.close()
        switch decodeError(p) {
        case .truncated?, .unreadable?: break
        case let other: XCTFail("expected .truncated or .unreadable, got \(String(describing: other))")
        }
    }

    /// A rate pair whose kernel would be gigabytes is an error naming the file, not a crash.
    func testUnreasonableSampleRate() throws {
        let p = dir + "/odd.wav"
        try AudioWriter.write([sine(4000, rate: 44099)], sampleRate: 44099, to: p, format: .wav16)
        do {
            _ = try Preprocessor(config: .pengi).features(path: p)
            XCTFail("44099 Hz should be refused")
        } catch {
            print("bad input: \(error)")
            guard case .invalidParameter(let path, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, p)
            XCTAssertTrue(reason.contains("44099"), reason)
        }
    }
}
