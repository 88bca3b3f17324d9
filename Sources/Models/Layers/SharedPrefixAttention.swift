import Tensor

// Prompts that share their first positions (CoOp's start token and learned context, the same
// for every class) need those positions computed once, not once per class: under a causal mask
// position t depends only on positions <= t, so every class's prefix states are equal. Each
// group of c prompts keeps one prefix `[G, P, C]` and its own rows `[G * c, S, C]` for the
// positions after it; a suffix row attends to its group's prefix keys and values and to its
// own earlier suffix keys. The result equals running the c whole prompts.

extension MultiHeadSelfAttention {
    /// Attention of already projected `q [B, Tq, C]` over `k`, `v [B, Tk, C]`, then the output
    /// projection: `[B, Tq, C]`.
    func attend(q: Tensor, k: Tensor, v: Tensor, mask: Tensor?) throws -> Tensor {
        let b = q.shape[0], tq = q.shape[1], tk = k.shape[1], d = dim / heads
        func split(_ y: Tensor, _ t: Int) throws -> Tensor { try y.reshape([b, t, heads, d]).permute([0, 2, 1, 3]) }
        let o = try Tensor.scaledDotProductAttention(q: split(q, tq), k: split(k, tk), v: split(v, tk), mask: mask)
        return try outProj(o.permute([0, 2, 1, 3]).reshape([b, tq, dim]))
    }

    /// Keys (or values) of every prompt, `[G * c, P + S, C]`: its group's prefix rows
    /// `[G, P, C]` followed by its own suffix rows `[G * c, S, C]`.
    static func joined(prefix: Tensor, suffix: Tensor) throws -> Tensor {
        let g = prefix.shape[0], p = prefix.shape[1], c = suffix.shape[0] / g, s = suffix.shape[1], w = prefix.shape[2]
        let shared = try prefix.unsqueeze(1).expand([g, c, p, w])
        return try Tensor.concat([shared, suffix.reshape([g, c, s, w])], axis: 2).reshape([g * c, p + s, w])
    }

    /// Self-attention of prompts sharing a prefix (see above). `prefix [G, P, C]` attends
    /// causally to itself; `suffixQueries [G * c, Tq, C]` (the suffix rows, or some of them)
    /// attend to the prefix and `suffix [G * c, S, C]` under `suffixMask`, broadcastable to
    /// `[G * c, H, Tq, P + S]`. Returns the prefix's output (nil with `prefixOutput: false`,
    /// when only its keys and values are needed) and the queries' outputs.
    func sharedPrefix(prefix yp: Tensor, suffix ys: Tensor, suffixQueries: Tensor, suffixMask: Tensor,
                      prefixOutput: Bool) throws -> (prefix: Tensor?, suffix: Tensor) {
        let kp = try kProj(yp), vp = try vProj(yp)
        let prefixOut = prefixOutput ? try attend(q: qProj(yp), k: kp, v: vp, mask: Tensor.causalMask(yp.shape[1])) : nil
        let suffixOut = try attend(q: qProj(suffixQueries), k: Self.joined(prefix: kp, suffix: kProj(ys)),
                                   v: Self.joined(prefix: vp, suffix: vProj(ys)), mask: suffixMask)
        return (prefixOut, suffixOut)
    }
}

extension PreNormTransformerLayer {
    /// The layer over prompts sharing a prefix: `prefix [G, P, C]`, `suffix [G * c, S, C]`,
    /// `suffixMask` `[G * c, 1, S, P + S]` (the suffix's causal and padding mask; every prefix
    /// key is visible). Equal to the layer over the `G * c` whole prompts, split the same way.
    func callAsFunction(prefix xp: Tensor, suffix xs: Tensor, suffixMask: Tensor) throws -> (prefix: Tensor, suffix: Tensor) {
        let yp = try layerNorm1(xp), ys = try layerNorm1(xs)
        let attended = try selfAttention.sharedPrefix(prefix: yp, suffix: ys, suffixQueries: ys, suffixMask: suffixMask, prefixOutput: true)
        let hp = try xp + attended.prefix!, hs = try xs + attended.suffix
        return (try hp + mlp(layerNorm2(hp)), try hs + mlp(layerNorm2(hs)))
    }

    /// The layer's output at one suffix position per prompt only (`[G * c, C]`; `positions`
    /// counted within the suffix): the shared-prefix form of `callAsFunction(_:onlyAt:)`.
    func callAsFunction(prefix xp: Tensor, suffix xs: Tensor, onlyAt positions: [Int]) throws -> Tensor {
        let b = xs.shape[0], s = xs.shape[1], c = xs.shape[2], p = xp.shape[1]
        let rows = positions.enumerated().map { $0.offset * s + $0.element }
        let yp = try layerNorm1(xp), ys = try layerNorm1(xs)
        let q = try ys.reshape([b * s, c]).indexSelect(axis: 0, indices: rows).reshape([b, 1, c])
        let mask = Tensor.paddingMask(lengths: positions.map { p + $0 + 1 }, maxLength: p + s)  // [B, 1, 1, P + S]
        let attended = try selfAttention.sharedPrefix(prefix: yp, suffix: ys, suffixQueries: q, suffixMask: mask, prefixOutput: false)
        let h = try xs.reshape([b * s, c]).indexSelect(axis: 0, indices: rows) + attended.suffix.reshape([b, c])
        return try h + mlp(layerNorm2(h))
    }
}
