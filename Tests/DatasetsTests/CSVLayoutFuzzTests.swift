import Foundation
import XCTest
import Datasets
import Tensor

/// Seeded fuzzing of the csv layout (issue 14, deliver 9): valid lists are mutated (headers,
/// quotes, delimiters, line endings, invalid UTF-8, NUL bytes, path cells with `..`, absolute
/// paths and control characters, huge fields, fold values, layout options) and loaded from a
/// tree of real WAVs. Every input must load or throw a `DatasetError` whose one-line message
/// names the place; never crash or hang, and never give an item outside the root unless the
/// layout said `absolute=yes`. Deterministic: the same seed gives the same inputs.
final class CSVLayoutFuzzTests: XCTestCase {
    /// palm's seeded generator with the draws the mutations need.
    struct Generator {
        var inner: SeededGenerator
        init(seed: UInt64) { inner = SeededGenerator(seed: seed) }
        mutating func below(_ n: Int) -> Int { Int(inner.next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
        mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
    }

    /// One list to mutate: its layout options, columns and rows.
    struct Template {
        var options: [String]
        var header: [String]
        var rows: [[String]]
        var delimiter: String
    }

    static let classes = ["dog", "cat", "bird"]
    static let clips = (0..<9).map { "c\($0).wav" }

    static func templates() -> [Template] {
        let plain = clips.enumerated().map { ["clips/\($1)", classes[$0 % 3]] }
        let folded = clips.enumerated().map { [$1, classes[$0 % 3], String($0 % 3 + 1)] }
        let split = clips.enumerated().map { ["clips/\($1)", classes[$0 % 3], $0 < 3 ? "test" : "train"] }
        return [
            Template(options: ["file=meta.csv"], header: ["path", "classname"], rows: plain, delimiter: ","),
            Template(options: ["file=meta.csv", "path=file", "label=kind", "fold=fold", "base=clips", "delimiter=;"],
                     header: ["file", "kind", "fold"], rows: folded, delimiter: ";"),
            Template(options: ["file=meta.csv", "split=part"], header: ["path", "classname", "part"], rows: split, delimiter: ","),
            Template(options: ["file=meta.csv", "delimiter=tab"], header: ["path", "classname"], rows: plain, delimiter: "\t"),
        ]
    }

    /// Cells a hostile or broken list might hold in a path column.
    static func hostilePaths(outside: String) -> [String] {
        ["../../../../etc/passwd", "/etc/passwd", outside, "clips/../../outside/o.wav", "../outside/o.wav",
         "clips/c1.wav\u{0}.txt", "clips/\u{1B}[31mc1.wav", "clips/c1.wav\r", "", " ", "clips", "clips/", ".", "..", "/",
         "clips/./c2.wav", "./clips/c3.wav", "clips//c4.wav", "clips/c5.wav/", "clips/nothere.wav", "~/c1.wav",
         "clips/../clips/c6.wav", String(repeating: "a/", count: 3000) + "x.wav", String(repeating: "z", count: 300_000),
         "clips/cafe\u{301}.wav", "clips/caf\u{E9}.wav", "\"quoted\".wav", "clips/c7.wav,extra"]
    }

    static let hostileLabels = ["", " ", "caf\u{E9}", "cafe\u{301}", "\u{1B}]0;title\u{7}", "a\nb", "\"", "x,y", "\u{FEFF}dog",
                                String(repeating: "L", count: 200_000), "dog ", "Dog", "\u{0}", "train", "test"]
    static let hostileFolds = ["0", "-1", "4611686018427387904", "9223372036854775807", "99999999999999999999", "x", "", "1.5", " 2 "]

    /// A list serialised as CSV, quoting where needed (and sometimes where not).
    static func serialise(_ t: Template, rng: inout Generator) -> [UInt8] {
        func field(_ s: String) -> String {
            let needs = s.contains(where: { $0 == "\"" || $0 == "\n" || $0 == "\r" || String($0) == t.delimiter })
            return needs || rng.chance(10) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        let eol = rng.pick(["\n", "\n", "\r\n", "\r"])
        let lines = ([t.header] + t.rows).map { $0.map(field).joined(separator: t.delimiter) }
        return Array((lines.joined(separator: eol) + (rng.chance(80) ? eol : "")).utf8)
    }

    /// Mutates the structure of `t`.
    static func mutate(_ t: inout Template, rng: inout Generator, outside: String) {
        guard !t.rows.isEmpty else { return }
        let r = rng.below(t.rows.count)
        switch rng.below(11) {
        case 0: t.rows[r][0] = rng.pick(hostilePaths(outside: outside))
        case 1: t.rows[r][1] = rng.pick(hostileLabels)
        case 2 where t.rows[r].count > 2: t.rows[r][2] = rng.pick(hostileFolds + ["train", "TEST", "validation"])
        case 3: t.header[rng.below(t.header.count)] = rng.pick(["", "path ", "PATH", "classname\u{0}", "x", "\u{FEFF}path"])
        case 4: t.header.append("extra")
        case 5: t.rows[r].append("surplus")
        case 6: t.rows.remove(at: r)
        case 7: t.rows.append(t.rows[r])                       // a duplicate row
        case 8: t.options.append(rng.pick(["absolute=yes", "encoding=latin1", "encoding=windows-1252", "base=clips", "base=..",
                                           "delimiter=|", "fold=nope", "split=nope", "absolute=perhaps", "encoding=utf-8"]))
        case 9: t.rows[r][0] = "\(outside)"; t.options.append("absolute=yes")
        default: t.rows.swapAt(r, rng.below(t.rows.count))
        }
    }

    /// Mutates the bytes of a serialised list.
    static func mutate(_ bytes: inout [UInt8], rng: inout Generator) {
        guard !bytes.isEmpty else { return }
        let at = rng.below(bytes.count)
        switch rng.below(8) {
        case 0: bytes.insert(rng.pick([0x00, 0xFF, 0xE9, 0xC0, 0xED, 0x80, 0x22, 0x2C, 0x0D, 0x0A, 0x09, 0x3B]), at: at)
        case 1: bytes.remove(at: at)
        case 2: bytes.removeSubrange(at...)                    // truncated
        case 3: bytes.insert(contentsOf: [0xEF, 0xBB, 0xBF], at: 0)
        case 4: bytes.insert(contentsOf: Array(repeating: rng.pick([0x78, 0x22, 0x2C, 0x0A]), count: rng.pick([2, 1000, 1_000_000])), at: at)
        case 5: bytes.insert(contentsOf: [0xE2, 0x82], at: at)   // a cut multi-byte sequence
        case 6: let end = min(bytes.count, at + 64); bytes.insert(contentsOf: bytes[at..<end], at: at)
        default: bytes[at] = UInt8(truncatingIfNeeded: rng.inner.next())
        }
    }

    func testMutatedCSVLayoutsLoadOrFailCleanly() throws {
        let tree = try DatasetTree("fuzz")
        defer { tree.remove() }
        for c in Self.clips { try tree.wav("clips/\(c)", frames: 40) }
        try tree.wav("clips/cafe\u{301}.wav", frames: 40)
        try tree.wav("../outside/o.wav", frames: 40)
        let outside = tree.outside("outside/o.wav")
        let root = tree.root
        let place = (root as NSString).deletingLastPathComponent
        var rng = Generator(seed: 14)
        var loaded = 0, outsideItems = 0
        var refused: [String: Int] = [:]
        let runs = 500
        let start = Date()
        for run in 0..<runs {
            var t = rng.pick(Self.templates())
            for _ in 0..<(1 + rng.below(3)) { Self.mutate(&t, rng: &rng, outside: outside) }
            var bytes = Self.serialise(t, rng: &rng)
            if rng.chance(35) { for _ in 0..<(1 + rng.below(3)) { Self.mutate(&bytes, rng: &rng) } }
            try tree.bytes("meta.csv", bytes)
            let spec = "csv:" + t.options.joined(separator: ",")
            let allowsAbsolute = t.options.contains("absolute=yes")
            do {
                let d = try Dataset.load(spec, root: root)
                loaded += 1
                for item in d.items {
                    XCTAssertFalse(item.path.split(separator: "/").contains(".."), "run \(run): \(item.path)")
                    XCTAssertFalse(item.path.contains("\u{0}"), "run \(run)")
                    var isDirectory: ObjCBool = false
                    XCTAssertTrue(FileManager.default.fileExists(atPath: item.path, isDirectory: &isDirectory) && !isDirectory.boolValue,
                                  "run \(run): \(item.path)")
                    if !item.path.hasPrefix(root + "/") {
                        outsideItems += 1
                        XCTAssertTrue(allowsAbsolute, "run \(run): \(spec) gave \(item.path), outside \(root)")
                    }
                }
            } catch let error as DatasetError {
                let message = error.description
                let kind = Mirror(reflecting: error).children.first?.label ?? "\(error)"
                refused[kind, default: 0] += 1
                if case .badLayoutOption = error {
                    XCTAssertTrue(message.hasPrefix("layout '"), "run \(run): \(message)")
                } else {
                    // Every place palm can name lies under the test's folder: the list, the root, a
                    // clip, or the file outside the root that an absolute row named.
                    XCTAssertTrue(message.contains(place), "run \(run): the message names no place: \(message.prefix(300))")
                }
                XCTAssertFalse(message.contains(where: { $0.isNewline || $0 == "\u{0}" || $0 == "\u{1B}" }),
                               "run \(run): raw control characters in \(message.debugDescription.prefix(300))")
                XCTAssertLessThan(message.utf8.count, 4000, "run \(run): a message of \(message.utf8.count) bytes")
            } catch {
                XCTFail("run \(run): \(spec) threw \(type(of: error)): \(error)")
            }
        }
        let elapsed = Date().timeIntervalSince(start)
        print("CSVLayoutFuzzTests: \(runs) mutated lists in \(String(format: "%.2f", elapsed)) s: \(loaded) loaded "
              + "(\(outsideItems) absolute items under absolute=yes), refused: "
              + refused.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        XCTAssertGreaterThan(loaded, runs / 20, "the mutations leave enough lists loadable to exercise the happy path")
        XCTAssertGreaterThan(refused.count, 4, "the mutations reach many different errors")
    }
}
