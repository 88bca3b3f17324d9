import Tensor

// The fixed index tables of one Swin stage: how tokens are gathered into (shifted) windows,
// the shifted-window attention mask and the relative-position index. Swin computes these as
// buffers (`attn_mask`, `relative_position_index`) and checkpoints carry them; palm recomputes
// them here and checks any checkpoint copy against them.
// Legend: R grid side, S window side, N = S*S tokens per window, nW = (R/S)^2 windows.

/// Window partition tables for an `R x R` token grid with window `S` and cyclic shift `shift`.
public struct WindowGeometry: Sendable {
    public let resolution: Int
    public let window: Int
    public let shift: Int
    /// `order[w * N + i]` = grid index (row-major) of token `i` of window `w` after the cyclic
    /// shift `torch.roll(x, (-shift, -shift))` (Swin's `window_partition(roll(x))`).
    public let order: [Int]
    /// The inverse permutation (window order -> grid), i.e. `roll(window_reverse(..), +shift)`.
    public let inverse: [Int]
    /// Swin's `attn_mask` `[nW, N, N]`: 0 within a region, -100 across regions; nil when unshifted.
    public let mask: Tensor?

    public var tokensPerWindow: Int { window * window }

    /// Swin's rule: when the grid is no larger than the window there is one window and no shift.
    public init(resolution r: Int, window requested: Int, shift requestedShift: Int) {
        let s = r <= requested ? r : requested
        let shift = r <= requested ? 0 : requestedShift
        resolution = r; window = s; self.shift = shift
        let perSide = r / s, n = s * s
        var order = [Int](repeating: 0, count: r * r), inverse = order
        for wh in 0..<perSide {
            for ww in 0..<perSide {
                for i in 0..<s {
                    for j in 0..<s {
                        let row = ((wh * perSide + ww) * n) + i * s + j
                        let src = ((wh * s + i + shift) % r) * r + (ww * s + j + shift) % r
                        order[row] = src
                        inverse[src] = row
                    }
                }
            }
        }
        self.order = order
        self.inverse = inverse
        if shift > 0 {
            // Region ids on the shifted grid: slices [0, R-S), [R-S, R-shift), [R-shift, R) per axis.
            func region(_ x: Int) -> Int { x < r - s ? 0 : (x < r - shift ? 1 : 2) }
            let nW = perSide * perSide
            let m = Tensor.zeros([nW, n, n])
            for w in 0..<nW {
                let wh = w / perSide, ww = w % perSide
                var ids = [Int](repeating: 0, count: n)
                for i in 0..<s { for j in 0..<s { ids[i * s + j] = region(wh * s + i) * 3 + region(ww * s + j) } }
                for a in 0..<n { for b in 0..<n where ids[a] != ids[b] { m.pointer[(w * n + a) * n + b] = -100 } }
            }
            mask = m
        } else {
            mask = nil
        }
    }

    /// Swin's `relative_position_index` `[N, N]` for window side `s`:
    /// `(dh + s - 1) * (2s - 1) + (dw + s - 1)` for the offset `(dh, dw)` from key to query.
    static func relativePositionIndex(window s: Int) -> [Int] {
        let n = s * s
        var index = [Int](repeating: 0, count: n * n)
        for a in 0..<n {
            for b in 0..<n {
                let dh = a / s - b / s, dw = a % s - b % s
                index[a * n + b] = (dh + s - 1) * (2 * s - 1) + (dw + s - 1)
            }
        }
        return index
    }
}
