import Tensor

extension CausalTransformer {
    /// Pooled states `[G * c, width]` of `G * c` prompts whose first `P` token embeddings are
    /// shared within each group: `prefix [G, P, width]` (one per group: CoOp's start token and
    /// context, or CoCoOp's per-sample shifted context) and `suffix [c, S, width]`, the rest of
    /// each of the c prompts (the same for every group). `positions` are the c prompts' pooled
    /// positions in the whole prompt, each at least `P`. Row `g * c + i` equals
    /// `pooled(tokenEmbeddings:)` of prompt `concat(prefix[g], suffix[i])`; the shared
    /// positions run once per group instead of once per prompt (see SharedPrefixAttention),
    /// which for CoOp's 17 shared of about 24 positions is most of the work. Differentiable.
    public func pooled(sharedPrefix xp: Tensor, suffix xs: Tensor, positions eos: [Int]) throws -> Tensor {
        guard xp.rank == 3, xs.rank == 3, xp.shape[2] == width, xs.shape[2] == width, eos.count == xs.shape[0], xp.shape[0] > 0 else {
            throw TensorError.shapeMismatch(op: name, shapes: [xp.shape, xs.shape, [eos.count]],
                                            reason: "expected a prefix [G, P, \(width)], a suffix [c, S, \(width)] and one pooled position per suffix row")
        }
        let g = xp.shape[0], p = xp.shape[1], c = xs.shape[0]
        if let bad = eos.first(where: { $0 < p || $0 >= p + xs.shape[1] }) {
            throw TensorError.invalidArgument(op: name, message: "pooled position \(bad) outside the suffix \(p)..<\(p + xs.shape[1])")
        }
        let cut = eos.max()! + 1, s = cut - p
        guard cut <= maxPositions else {
            throw TensorError.invalidArgument(op: name, message: "sequence of \(cut) tokens exceeds \(maxPositions) positions")
        }
        var hp = try xp + positionEmbedding.slice(axis: 0, start: 0, end: p)
        let suffixOnce = try xs.slice(axis: 1, start: 0, end: s) + positionEmbedding.slice(axis: 0, start: p, end: cut)
        var hs = g == 1 ? suffixOnce : try suffixOnce.unsqueeze(0).expand([g, c, s, width]).reshape([g * c, s, width])
        let local = Array(repeating: eos.map { $0 - p }, count: g).flatMap { $0 }
        let mask = Self.suffixMask(prefixLength: p, suffixLength: s, lengths: local.map { $0 + 1 })
        guard let last = layers.last else {
            return try finalLayerNorm(hs.reshape([g * c * s, width]).indexSelect(axis: 0, indices: local.enumerated().map { $0.offset * s + $0.element }))
        }
        // What a layer keeps for backward: ~18 tensors of the rows' size, plus the joined keys
        // and values (every prompt's copy of its prefix).
        let joinedKeysValues = 2 * g * c * (p + s) * width * 4
        let kept = (hp.requiresGrad || hs.requiresGrad) && GradMode.isEnabled
            ? CausalTransformer.layersKept(bytesPerLayer: (hp.count + hs.count) * 4 * 18 + joinedKeysValues) : .max
        for (i, layer) in layers.dropLast().enumerated() {
            if i < kept {
                (hp, hs) = try layer(prefix: hp, suffix: hs, suffixMask: mask)
                continue
            }
            // Checkpointed: both parts travel as one tensor of rows.
            let prefixRows = g * p, shape = (prefix: hp.shape, suffix: hs.shape)
            let packed = try Tensor.concat([hp.reshape([prefixRows, width]), hs.reshape([hs.count / width, width])], axis: 0)
            let out = try packed.checkpointed { rows in
                let (a, b) = try layer(prefix: rows.slice(axis: 0, start: 0, end: prefixRows).reshape(shape.prefix),
                                       suffix: rows.slice(axis: 0, start: prefixRows).reshape(shape.suffix), suffixMask: mask)
                return try Tensor.concat([a.reshape([prefixRows, self.width]), b.reshape([b.count / self.width, self.width])], axis: 0)
            }
            hp = try out.slice(axis: 0, start: 0, end: prefixRows).reshape(shape.prefix)
            hs = try out.slice(axis: 0, start: prefixRows).reshape(shape.suffix)
        }
        return try finalLayerNorm(last(prefix: hp, suffix: hs, onlyAt: local))
    }

    /// The suffix rows' additive mask `[B, 1, S, P + S]`: every prefix key visible, suffix keys
    /// causal and, past each row's `lengths[b]` suffix positions, masked as padding.
    static func suffixMask(prefixLength p: Int, suffixLength s: Int, lengths: [Int]) -> Tensor {
        let tk = p + s, m = Tensor.zeros([lengths.count, 1, s, tk])
        for (b, len) in lengths.enumerated() {
            for i in 0..<s {
                let row = m.pointer + (b * s + i) * tk + p
                for j in 0..<s where j > i || j >= len { row[j] = -.infinity }
            }
        }
        return m
    }
}
