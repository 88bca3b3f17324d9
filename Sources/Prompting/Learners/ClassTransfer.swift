import Tensor

/// A trained learner carried over to another list of classes (`PromptLearner.transferred`):
/// the CoCoOp paper's base-to-novel protocol, and cross-dataset transfer.
///
/// Methods whose parameters do not depend on the class (CoOp's shared context, CoCoOp's
/// meta-net) transfer as they are. Methods with per-class parameters (PALM's z and lambda,
/// class-specific CoOp, linear probe, Tip-Adapter's cache) have nothing for a class they never
/// saw; what each does there is its `fallback`, a sentence reported with every result, so it
/// is never silent.
public struct ClassTransfer {
    /// The learner over the new classes (evaluation only).
    public let learner: PromptLearner
    /// The new classes the trained learner had no parameters for, in the new order.
    public let novelClasses: [String]
    /// What the learner does for `novelClasses` ("PALM: novel classes use the plain text
    /// feature (lambda = 0)"); nil when it has nothing per class or no class is novel.
    public let fallback: String?

    public init(learner: PromptLearner, novelClasses: [String], fallback: String?) {
        self.learner = learner
        self.novelClasses = novelClasses
        self.fallback = novelClasses.isEmpty ? nil : fallback
    }
}

/// How the classes of a new list relate to those a learner was trained on. Names match byte
/// for byte (labels are kept as written: NFC and NFD spellings are two classes).
struct ClassCorrespondence {
    /// For each new class, its row in the trained learner, or nil when it is novel.
    let rows: [Int?]
    let novel: [String]

    init(trained: [String], new: [String]) {
        var index: [[UInt8]: Int] = [:]
        for (i, name) in trained.enumerated() where index[Array(name.utf8)] == nil { index[Array(name.utf8)] = i }
        rows = new.map { index[Array($0.utf8)] }
        novel = zip(new, rows).filter { $0.1 == nil }.map(\.0)
    }

    /// `target` (one row per new class, of `source`'s row shape) with the trained classes'
    /// rows copied from `source` and every novel row set by `novelRow(i)` (or left as it is).
    func carry(_ source: Tensor, into target: Tensor, novelRow: ((Int) throws -> [Float])? = nil) throws {
        let width = source.count / max(1, source.shape[0])
        let src = source.contiguous()
        for (i, row) in rows.enumerated() {
            if let row {
                (target.pointer + i * width).update(from: src.pointer + row * width, count: width)
            } else if let novelRow {
                let values = try novelRow(i)
                precondition(values.count == width, "a novel row of \(values.count) values for rows of \(width)")
                (target.pointer + i * width).update(from: values, count: width)
            }
        }
    }
}

/// A raw lambda whose sigmoid is exactly 0: the class's mix is its text feature alone.
let noMix = -Float.greatestFiniteMagnitude
