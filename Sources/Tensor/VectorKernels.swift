// Reductions over contiguous float vectors with eight independent SIMD accumulators: a plain
// `s += x[i]` loop is one long dependency chain the compiler may not reorder (float addition
// is not associative), so it runs at one add per 4 cycles instead of 16 lanes per cycle.

enum VectorKernels {
    /// `sum_i x[i] * y[i]`.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= n {
            acc0 += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
            acc1 += UnsafeRawPointer(x + i + 8).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(y + i + 8).loadUnaligned(as: SIMD8<Float>.self)
            i += 16
        }
        var s = (acc0 + acc1).sum()
        while i < n { s += x[i] * y[i]; i += 1 }
        return s
    }

    /// `sum_i x[i]`.
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= n {
            acc0 += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            acc1 += UnsafeRawPointer(x + i + 8).loadUnaligned(as: SIMD8<Float>.self)
            i += 16
        }
        var s = (acc0 + acc1).sum()
        while i < n { s += x[i]; i += 1 }
        return s
    }

    /// `sum_i (x[i] - c)`.
    @inline(__always)
    static func sumOfDifferences(_ x: UnsafePointer<Float>, _ c: Float, _ n: Int) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        let cv = SIMD8<Float>(repeating: c)
        var i = 0
        while i + 16 <= n {
            acc0 += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) - cv
            acc1 += UnsafeRawPointer(x + i + 8).loadUnaligned(as: SIMD8<Float>.self) - cv
            i += 16
        }
        var s = (acc0 + acc1).sum()
        while i < n { s += x[i] - c; i += 1 }
        return s
    }

    /// `sum_i (x[i] - c)^2`.
    @inline(__always)
    static func sumOfSquaredDifferences(_ x: UnsafePointer<Float>, _ c: Float, _ n: Int) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        let cv = SIMD8<Float>(repeating: c)
        var i = 0
        while i + 16 <= n {
            let d0 = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) - cv
            let d1 = UnsafeRawPointer(x + i + 8).loadUnaligned(as: SIMD8<Float>.self) - cv
            acc0 += d0 * d0
            acc1 += d1 * d1
            i += 16
        }
        var s = (acc0 + acc1).sum()
        while i < n { let d = x[i] - c; s += d * d; i += 1 }
        return s
    }
}
