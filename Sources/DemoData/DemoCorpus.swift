import Foundation

// The demo's data: real labelled sounds from Debian packages, split so that the classes the
// demo evaluates on (instrument families rendered from FreePats) are never seen while the demo
// ALM's projection heads are aligned (drum pieces, Sonic Pi categories, spoken digits and
// letters, and notes of *other* FreePats patches named by instrument, never by family). A
// zero-shot score on the evaluation classes is therefore a real zero-shot score.
//
// Output layout (the `folder` dataset layout: one sub-folder per class):
//   <out>/alignment/<class>/<file>     installed files copied as they are (FLAC, WAV, AIFF)
//   <out>/evaluation/<class>/<file>.wav notes rendered by timidity, 44.1 kHz mono 16-bit
//   <out>/manifest.csv                  split,class,path,source,licence (paths relative to <out>)
//   <out>/LICENSES.md                   every source, its package, licence and attribution
// Building is resumable: files already present are kept.

/// The demo corpus: which samples go to alignment and which to evaluation.
public struct DemoCorpus: Sendable {
    /// Samples for aligning the projection heads.
    public var alignment: [DemoSample]
    /// Held-out samples the demo evaluates on.
    public var evaluation: [DemoSample]

    /// Where the Debian packages put their files (overridable for tests).
    public struct Roots: Sendable {
        public var sonicPi = SonicPiCatalog.defaultRoot
        public var drumkits = DrumkitCatalog.defaultRoot
        public var asterisk = AsteriskSpeechCatalog.defaultRoot
        public var freepats = FreePatsCatalog.defaultRoot
        public init() {}
    }

    /// Collects every labelled sample and keeps at most `maxPerClass` per class, chosen by a
    /// seeded shuffle of the class's samples in name order (same seed, same corpus). Alignment
    /// samples whose class shares a word with an evaluation class are dropped, so no evaluation
    /// class name is ever used to align (e.g. a "bass" sample in Sonic Pi).
    ///
    /// `instrumentNotesInAlignment` (default true) also aligns on notes of half the FreePats
    /// programs, labelled by instrument ("violin", "oboe"), never by family; evaluation uses the
    /// other programs under family names (see `FreePatsCatalog.split`). Measured with simple
    /// linear heads (InfoNCE over class captions, MiniLM text): without them, zero-shot on the
    /// families is at chance (0.04-0.09 for 10 classes), because drums, speech and effects
    /// teach nothing about pitched instruments; with them, 0.14-0.20.
    public init(roots: Roots = Roots(), maxPerClass: Int = 40, seed: UInt64 = 0, instrumentNotesInAlignment: Bool = true) {
        let notes = FreePatsCatalog.split(root: roots.freepats, instrumentsInAlignment: instrumentNotesInAlignment)
        let evaluationAll = notes.evaluation
        let heldOut = Set(evaluationAll.map(\.label))
        let alignmentAll = (DrumkitCatalog.samples(root: roots.drumkits) + SonicPiCatalog.samples(root: roots.sonicPi)
                            + AsteriskSpeechCatalog.samples(root: roots.asterisk) + notes.alignment)
            .filter { s in !s.label.split(whereSeparator: { !$0.isLetter }).contains { heldOut.contains(String($0)) } }
        alignment = DemoCorpus.capped(alignmentAll, maxPerClass: maxPerClass, seed: seed)
        evaluation = DemoCorpus.capped(evaluationAll, maxPerClass: maxPerClass, seed: seed)
    }

    public init(alignment: [DemoSample], evaluation: [DemoSample]) {
        self.alignment = alignment; self.evaluation = evaluation
    }

    /// Classes of a split, sorted.
    public static func classes(_ samples: [DemoSample]) -> [String] { Set(samples.map(\.label)).sorted() }

    /// Every distinct source used, in id order.
    public var sources: [DemoSource] {
        var seen: [String: DemoSource] = [:]
        for s in alignment + evaluation { seen[s.source.id] = s.source }
        return seen.keys.sorted().map { seen[$0]! }
    }

    /// At most `maxPerClass` samples of each class: a seeded Fisher-Yates shuffle of the class's
    /// samples in name order, then the first `maxPerClass`, returned in name order.
    public static func capped(_ samples: [DemoSample], maxPerClass: Int, seed: UInt64) -> [DemoSample] {
        var byClass: [String: [DemoSample]] = [:]
        for s in samples { byClass[s.label, default: []].append(s) }
        var out: [DemoSample] = []
        for label in byClass.keys.sorted() {
            var items = byClass[label]!.sorted { $0.name < $1.name }
            var rng = SplitMix64(seed: seed ^ fnv1a(label))
            // Fisher-Yates with our own generator: Swift's shuffle(using:) algorithm is not
            // promised to stay the same across releases.
            if items.count > 1 {
                for i in stride(from: items.count - 1, to: 0, by: -1) {
                    items.swapAt(i, Int(rng.next() % UInt64(i + 1)))
                }
            }
            out += items.prefix(maxPerClass).sorted { $0.name < $1.name }
        }
        return out
    }
}

/// A tiny seeded generator (SplitMix64), so the corpus does not depend on other targets.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func fnv1a(_ s: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
    return h
}
