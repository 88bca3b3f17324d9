import Audio
import Foundation
import Tensor
import XCTest

/// Seeded, bounded fuzzing of WAV headers (issue 14, deliver 9). Valid files of six layouts
/// (8/16/24/32-bit PCM, float, WAVE_FORMAT_EXTENSIBLE; mono and stereo; real speech and piano)
/// get every header field set to hostile values, extra and misplaced chunks, truncation at
/// every header offset, random byte flips and random combinations. Each file must decode or
/// throw an `AudioError` naming it, through the decoder and through the preprocessor (PENGI's
/// front-end and aisfx's): no crash, no trap, no hang (a watchdog names the case), and no
/// allocation out of proportion to the file (peak memory is checked).
final class WAVHeaderFuzzTests: XCTestCase {
    typealias Mutation = (label: String, apply: (inout WaveFileBytes) -> Void)

    /// Field by field, the values a hostile header would use.
    static func mutations() -> [Mutation] {
        var m: [Mutation] = []
        for v: UInt32 in [0, 4, 36, 0x7FFF_FFFF, 0xFFFF_FFFF] { m.append(("riff size \(v)", { $0.riffSize = v })) }
        for v: UInt32 in [0, 2, 14, 15, 17, 18, 39, 41, 0x7FFF_FFFF, 0xFFFF_FFFF] { m.append(("fmt size \(v)", { $0.fmtSize = v })) }
        for v: UInt16 in [0, 2, 3, 6, 7, 0x11, 0x31, 0x55, 0x2000, 0xFFFE, 0xFFFF] { m.append(("format tag \(v)", { $0.formatTag = v })) }
        for v: UInt16 in [0, 3, 8, 255, 1024, 1025, 65535] { m.append(("channels \(v)", { $0.channels = v })) }
        for v: UInt32 in [0, 1, 2, 999, 1000, 7999, 44099, 192_000, 1_000_000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF] {
            m.append(("sample rate \(v)", { $0.sampleRate = v }))
        }
        for v: UInt32 in [0, 1, 0xFFFF_FFFF] { m.append(("byte rate \(v)", { $0.byteRate = v })) }
        for v: UInt16 in [0, 1, 3, 5, 7, 65535] { m.append(("block align \(v)", { $0.blockAlign = v })) }
        for v: UInt16 in [0, 1, 4, 7, 12, 15, 17, 20, 31, 33, 48, 64, 65535] { m.append(("bits \(v)", { $0.bitsPerSample = v })) }
        let guids: [(String, [UInt8])] = [("pcm", WaveFileBytes.pcmGUID), ("float", WaveFileBytes.floatGUID),
                                          ("ambisonic", WaveFileBytes.ambisonicGUID), ("zero", [UInt8](repeating: 0, count: 16)),
                                          ("unknown", [UInt8](repeating: 0xA5, count: 16))]
        for (name, guid) in guids {
            m.append(("extensible \(name)", { $0.formatTag = 0xFFFE; $0.extensible = ($0.bitsPerSample, 0, guid) }))
        }
        m.append(("extensible valid bits 0", { $0.formatTag = 0xFFFE; $0.extensible = (0, 3, WaveFileBytes.pcmGUID) }))
        m.append(("extensible valid bits > bits", { $0.formatTag = 0xFFFE; $0.extensible = (64, 0xFFFF_FFFF, WaveFileBytes.pcmGUID) }))
        m.append(("extensible, fmt size 18", { $0.formatTag = 0xFFFE; $0.extensible = (16, 3, WaveFileBytes.pcmGUID); $0.fmtSize = 18 }))
        for v: UInt32 in [0, 1, 3, 0x7FFF_FFFF, 0xFFFF_FFFE, 0xFFFF_FFFF] { m.append(("data size \(v)", { $0.dataSize = v })) }
        m.append(("data size + 1", { $0.dataSize = UInt32($0.data.count + 1) }))
        m.append(("data size x 1000", { $0.dataSize = UInt32($0.data.count * 1000) }))
        m.append(("no samples", { $0.data = [] }))
        m.append(("one frame", { $0.data = Array($0.data.prefix(Int($0.channels) * Int($0.bitsPerSample) / 8)) }))
        m.append(("odd data length", { $0.data.removeLast() }))
        m.append(("data before fmt", { $0.dataFirst = true }))
        m.append(("no fmt chunk", { $0.omitFmt = true }))
        m.append(("LIST and fact chunks", { $0.extraChunks = [("LIST", 12, Array("INFOISFT\u{0}\u{0}\u{0}\u{0}".utf8)), ("fact", 4, [1, 0, 0, 0])] }))
        m.append(("odd-sized chunk", { $0.extraChunks = [("junk", 3, [1, 2, 3])] }))
        m.append(("chunk claiming 4 GB", { $0.extraChunks = [("JUNK", 0xFFFF_FFF0, [0, 0, 0, 0])] }))
        m.append(("chunk claiming past the end", { $0.extraChunks = [("bext", 100_000, [0, 0, 0, 0])] }))
        m.append(("second fmt chunk", { w in
            w.extraChunks = [("fmt ", 16, WaveFileBytes.le16(1) + WaveFileBytes.le16(65535) + WaveFileBytes.le32(1) + WaveFileBytes.le32(0)
                              + WaveFileBytes.le16(0) + WaveFileBytes.le16(65535))]
        }))
        m.append(("NaN and infinity", { w in
            guard w.formatTag == 3 else { return }
            w.data.replaceSubrange(0..<8, with: WaveFileBytes.le32(Float.nan.bitPattern) + WaveFileBytes.le32(Float.infinity.bitPattern))
        }))
        return m
    }

    /// The valid files the mutations start from.
    static func bases() throws -> [(String, WaveFileBytes)] {
        let speech = Array(try AudioDecoder().decode(GoldenFixtures.path("asterisk_hello-world_8k_mono.wav")).channels[0][2000..<6000])
        let piano = try AudioDecoder().decode(GoldenFixtures.path("sonicpi_ambi_piano_48k_stereo24.wav")).channels
        let stereo = (0..<3000).flatMap { [piano[0][$0], piano[1][$0]] }
        var extensible = WaveFileBytes(samples: stereo, channels: 2, sampleRate: 44100, bits: 16)
        extensible.formatTag = 0xFFFE
        extensible.extensible = (16, 3, WaveFileBytes.pcmGUID)
        return [("pcm16-mono-8k", WaveFileBytes(samples: speech, channels: 1, sampleRate: 8000, bits: 16)),
                ("pcm24-stereo-48k", WaveFileBytes(samples: stereo, channels: 2, sampleRate: 48000, bits: 24)),
                ("float-mono-44k", WaveFileBytes(samples: speech, channels: 1, sampleRate: 44100, bits: 32, float: true)),
                ("u8-mono-16k", WaveFileBytes(samples: speech, channels: 1, sampleRate: 16000, bits: 8)),
                ("pcm32-stereo-22k", WaveFileBytes(samples: stereo, channels: 2, sampleRate: 22050, bits: 32)),
                ("extensible-stereo-44k", extensible)]
    }

    /// Every case as (label, bytes): each mutation alone, truncations, byte flips, combinations.
    static func cases(seed: UInt64) throws -> [(String, [UInt8])] {
        var g = SeededGenerator(seed: seed)
        let mutations = Self.mutations()
        var out: [(String, [UInt8])] = []
        for (name, base) in try bases() {
            out.append(("\(name) as written", base.bytes))
            for m in mutations {
                var w = base
                m.apply(&w)
                out.append(("\(name), \(m.label)", w.bytes))
            }
            let bytes = base.bytes
            for cut in Array(stride(from: 0, through: 80, by: 4)) + [45, 47, 101, bytes.count / 2, bytes.count - 1] {
                out.append(("\(name), cut at byte \(cut)", Array(bytes.prefix(cut))))
            }
            for k in 0..<12 {
                var b = bytes
                let flips = 1 + g.int(below: 4)
                for _ in 0..<flips { b[g.int(below: 80)] ^= UInt8(1 << g.int(below: 8)) }
                out.append(("\(name), byte flips #\(k)", b))
            }
            for _ in 0..<12 {
                var w = base
                let picked = (0..<3).map { _ in mutations[g.int(below: mutations.count)] }
                for m in picked { m.apply(&w) }
                out.append(("\(name), " + picked.map(\.label).joined(separator: " + "), w.bytes))
            }
        }
        return out
    }

    func testMutatedWAVHeadersDecodeOrFailNamingTheFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let all = try Self.cases(seed: 20_260_014)
        let decoder = AudioDecoder()
        let front = [("pengi", Preprocessor(config: .pengi)), ("aisfx", Preprocessor(config: .aisfx))]
        let watchdog = Watchdog(seconds: 30)
        let rssBefore = Self.peakResidentBytes()
        var decoded = 0, featured = 0
        var refused: [String: Int] = [:]

        /// Runs one step; an `AudioError` must name `path`, any other error fails the test.
        func attempt(_ label: String, _ path: String, _ step: () throws -> Void) -> Bool {
            do {
                try step()
                return true
            } catch let e as AudioError {
                XCTAssertEqual(e.path, path, "\(label): \(e)")
                refused[String(describing: e).split(separator: ":").dropFirst().first.map { String($0.prefix(40)) } ?? "?", default: 0] += 1
                return false
            } catch {
                XCTFail("\(label): not an AudioError: \(error)")
                return false
            }
        }

        for (i, (label, bytes)) in all.enumerated() {
            let path = dir + "/case-\(i).wav"
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            watchdog.current = label
            if attempt(label, path, { _ = try decoder.decode(path) }) { decoded += 1 }
            for (name, pre) in front where attempt("\(label) [\(name)]", path, { _ = try pre.features(path: path) }) { featured += 1 }
            try? FileManager.default.removeItem(atPath: path)
        }
        watchdog.stop()
        let grown = Self.peakResidentBytes() - rssBefore
        print("WAV header fuzz: \(all.count) files, \(decoded) decoded, \(all.count - decoded) refused by the decoder, "
              + "\(featured) of \(2 * all.count) preprocessed (pengi, aisfx); peak memory grew \(grown >> 20) MB")
        for (reason, n) in refused.sorted(by: { $0.value > $1.value }) { print("  \(n) x\(reason)") }
        XCTAssertGreaterThan(decoded, all.count / 4, "the mutations should leave many files decodable")
        XCTAssertLessThan(grown, 512 << 20, "a header made palm allocate out of proportion to the file")
    }

    /// Peak resident memory of this process so far (`ru_maxrss`, KiB on Linux).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss * 1024
    }
}

/// Ends the test process, naming the case, when one case runs longer than `seconds` (a hang
/// would otherwise stall the suite with no clue).
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var label = ""
    private var since = Date()
    private var stopped = false

    /// The case now running.
    var current: String {
        get { lock.withLock { label } }
        set { lock.withLock { label = newValue; since = Date() } }
    }

    init(seconds: Double) {
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.5)
                let (done, label, since) = lock.withLock { (stopped, self.label, self.since) }
                if done { return }
                if Date().timeIntervalSince(since) > seconds { fatalError("hung for \(seconds) s on: \(label)") }
            }
        }
    }

    func stop() { lock.withLock { stopped = true } }
}
