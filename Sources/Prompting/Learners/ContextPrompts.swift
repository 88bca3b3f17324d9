import Models
import Tensor

/// CoOp's learned context in the text tower's *input* space (Zhou et al., IJCV 2022), as
/// KaiyangZhou/CoOp builds it: each class prompt is tokenized as `"X X ... X {name}."`, its
/// frozen token embeddings are split into `prefix` (SOS) and `suffix` (name, ".", EOS, padding),
/// and the `X` positions are replaced by learned vectors.
public final class ContextPrompts {
    /// Where the class-name tokens go relative to the context.
    public enum ClassPosition: String, Sendable, CaseIterable { case end, middle, front }

    public let model: AudioLanguageModel
    public let classNames: [String]
    public let position: ClassPosition
    /// `[nCtx, w]` shared, or `[c, nCtx, w]` class-specific context vectors.
    public let context: Tensor
    public let nCtx: Int
    /// Tokenized class prompts (pooled positions and lengths for the text tower).
    public let tokens: TokenBatch
    /// Frozen `[c, s, w]` start tokens (s = the tower's leading specials: 1, or 0 for GPT-2) and
    /// `[c, T - s - nCtx, w]` remainders (the reference's `sos` and `classes_pad` buffers).
    public let prefix: Tensor, suffix: Tensor
    /// Token count of each class name (for front/middle placement).
    let nameLengths: [Int]

    /// - Parameters:
    ///   - initWords: initialise the context from these words' token embeddings (n_ctx becomes
    ///     their token count, e.g. "This is a recording of"); nil: `N(0, 0.02)` with `nCtx`.
    public init(model: AudioLanguageModel, classNames: [String], nCtx: Int = 16, position: ClassPosition = .end,
                classSpecific: Bool = false, initWords: String? = nil, seed: UInt64 = 0) throws {
        self.model = model
        self.classNames = classNames
        self.position = position
        let w = model.tokenWidth
        var g = SeededGenerator(seed: seed)
        let promptPrefix: String
        let n: Int
        var initial: Tensor
        if let words = initWords, !words.isEmpty {
            let t = try model.tokenize([words])
            n = t.wordCount(0)
            guard n > 0 else { throw PromptingError.invalidData("context initialisation '\(words)' has no tokens") }
            let start = t.leadingSpecials
            initial = try model.tokenEmbeddings(t).select(axis: 0, index: 0).slice(axis: 0, start: start, end: start + n).copy()
            if classSpecific { initial = try initial.unsqueeze(0).expand([classNames.count, n, w]).copy() }
            promptPrefix = words
        } else {
            guard nCtx > 0 else { throw PromptingError.invalidData("n_ctx must be positive, got \(nCtx)") }
            n = nCtx
            initial = Tensor.normal(classSpecific ? [classNames.count, n, w] : [n, w], std: 0.02, generator: &g)
            promptPrefix = Array(repeating: "X", count: n).joined(separator: " ")
        }
        self.nCtx = n
        context = initial.requiringGrad()
        tokens = try model.tokenize(classNames.map { "\(promptPrefix) \($0)." })
        let embeddings = try model.tokenEmbeddings(tokens)  // [c, T, w]
        let lead = tokens.leadingSpecials
        guard tokens.length > lead + n else {
            throw PromptingError.invalidData("prompts of \(tokens.length) tokens cannot hold \(n) context vectors")
        }
        prefix = try embeddings.slice(axis: 1, start: 0, end: lead).copy()
        suffix = try embeddings.slice(axis: 1, start: lead + n).copy()
        let names = try model.tokenize(classNames)
        nameLengths = classNames.indices.map { names.wordCount($0) }
    }

    /// Prompt token embeddings `[B * c, T, w]` (B = 1 without `shift`). `shift` `[B, w]` is
    /// added to every context vector (CoCoOp's meta-token), giving one prompt set per sample.
    public func promptEmbeddings(shift: Tensor? = nil) throws -> Tensor {
        let c = classNames.count, w = model.tokenWidth
        let b = shift?.shape[0] ?? 1
        // ctx: [B, c, nCtx, w]
        var ctx = context.rank == 2 ? try context.unsqueeze(0) : context  // [1 or c, nCtx, w]
        ctx = try ctx.unsqueeze(0)  // [1, 1|c, nCtx, w]
        if let shift { ctx = try ctx + shift.reshape([b, 1, 1, w]) }
        ctx = try ctx.expand([b, c, nCtx, w])
        let lead = prefix.shape[1]
        // A tower without a start token (GPT-2) has an empty prefix: leave it out of the concat.
        let pre: Tensor? = lead == 0 ? nil : try prefix.unsqueeze(0).expand([b, c, lead, w])
        let suf = try suffix.unsqueeze(0).expand([b, c, suffix.shape[1], w])
        let prompts: Tensor
        switch position {
        case .end:
            prompts = try Tensor.concat([pre, ctx, suf].compactMap { $0 }, axis: 2)
        case .front, .middle:
            // Per class: the name's tokens move before (or into the middle of) the context.
            var rows: [Tensor] = []
            let half = nCtx / 2
            for i in 0..<c {
                let len = nameLengths[i]
                let p = try pre?.slice(axis: 1, start: i, end: i + 1), s = try suf.slice(axis: 1, start: i, end: i + 1)
                let name = try s.slice(axis: 2, start: 0, end: len), rest = try s.slice(axis: 2, start: len)
                let cx = try ctx.slice(axis: 1, start: i, end: i + 1)
                let parts = position == .front
                    ? [p, name, cx, rest]
                    : [p, try cx.slice(axis: 2, start: 0, end: half), name, try cx.slice(axis: 2, start: half), rest]
                rows.append(try Tensor.concat(parts.compactMap { $0 }, axis: 2))
            }
            prompts = try Tensor.concat(rows, axis: 1)
        }
        return try prompts.reshape([b * c, tokens.length, w])
    }

    /// Text features `[B * c, d]` of the prompts, on the tape. With the context at the end and
    /// shared by all classes, every prompt starts with the same start token and context (per
    /// sample, for CoCoOp): those positions go to the model once as a shared prefix.
    public func textFeatures(shift: Tensor? = nil) throws -> Tensor {
        let b = shift?.shape[0] ?? 1
        guard position == .end, context.rank == 2 else {
            return try model.textFeatures(tokenEmbeddings: promptEmbeddings(shift: shift), tokens: tokens.repeated(b))
        }
        let w = model.tokenWidth, lead = prefix.shape[1]
        var ctx = try context.unsqueeze(0)  // [1, nCtx, w]
        if let shift { ctx = try ctx + shift.reshape([b, 1, w]) }  // [B, nCtx, w]
        let start = lead == 0 ? nil : try prefix.slice(axis: 0, start: 0, end: 1).expand([b, lead, w])
        let shared = try Tensor.concat([start, ctx].compactMap { $0 }, axis: 1)
        return try model.textFeatures(sharedPrefix: shared, suffix: suffix, tokens: tokens)
    }
}

/// A meta-net `Linear(d -> hidden), ReLU, Linear(hidden -> out)` on the normalised audio
/// feature, with PyTorch's default `nn.Linear` initialisation (uniform +-1/sqrt(fan_in)).
/// CoCoOp's has `hidden = d/16`; the feature-feedback learners' `d/2`.
public struct MetaNet {
    public let w1, b1, w2, b2: Tensor
    public var parameters: [(name: String, tensor: Tensor)] {
        [("meta_net.linear1.weight", w1), ("meta_net.linear1.bias", b1), ("meta_net.linear2.weight", w2), ("meta_net.linear2.bias", b2)]
    }

    public init(inputDimension d: Int, hidden: Int, outputDimension out: Int, generator g: inout SeededGenerator) {
        let s1 = 1 / Float(d).squareRoot(), s2 = 1 / Float(hidden).squareRoot()
        w1 = Tensor.uniform([hidden, d], low: -s1, high: s1, generator: &g).requiringGrad()
        b1 = Tensor.uniform([hidden], low: -s1, high: s1, generator: &g).requiringGrad()
        w2 = Tensor.uniform([out, hidden], low: -s2, high: s2, generator: &g).requiringGrad()
        b2 = Tensor.uniform([out], low: -s2, high: s2, generator: &g).requiringGrad()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.linear(weight: w1, bias: b1).relu().linear(weight: w2, bias: b2)
    }
}
