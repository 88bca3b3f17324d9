// Strided iteration: the one place that walks arbitrary views. Dimensions that are laid out
// contiguously for every operand are merged first, so the common cases (contiguous,
// row-broadcast, column-broadcast) become a few long inner loops the compiler vectorises.

/// Merges adjacent dimensions that are contiguous with respect to every stride list.
@usableFromInline func collapseDims(_ shape: [Int], _ strideLists: [[Int]]) -> ([Int], [[Int]]) {
    var dims: [Int] = []
    var strides: [[Int]] = Array(repeating: [], count: strideLists.count)
    for i in 0..<shape.count where shape[i] != 1 {
        if let last = dims.last,
           strideLists.indices.allSatisfy({ k in strides[k].last! == strideLists[k][i] * shape[i] }) {
            dims[dims.count - 1] = last * shape[i]
            for k in strideLists.indices { strides[k][strides[k].count - 1] = strideLists[k][i] }
        } else {
            dims.append(shape[i])
            for k in strideLists.indices { strides[k].append(strideLists[k][i]) }
        }
    }
    if dims.isEmpty { return ([1], strideLists.map { _ in [0] }) }
    return (dims, strides)
}

/// Calls `body(offsetA, offsetB, n, strideA, strideB)` for each innermost row of a two-operand
/// walk over `shape` (rows are visited in row-major order).
@inline(__always) @usableFromInline
func forEachRow2(shape: [Int], stridesA: [Int], offsetA: Int, stridesB: [Int], offsetB: Int,
                 _ body: (Int, Int, Int, Int, Int) -> Void) {
    let (dims, st) = collapseDims(shape, [stridesA, stridesB])
    let r = dims.count
    let n = dims[r - 1], sa = st[0][r - 1], sb = st[1][r - 1]
    if r == 1 { body(offsetA, offsetB, n, sa, sb); return }
    var index = [Int](repeating: 0, count: r - 1)
    var oa = offsetA, ob = offsetB
    let rows = elementCount(Array(dims[0..<(r - 1)]))
    for _ in 0..<rows {
        body(oa, ob, n, sa, sb)
        // Advance the outer odometer.
        var d = r - 2
        while d >= 0 {
            index[d] += 1
            oa += st[0][d]; ob += st[1][d]
            if index[d] < dims[d] { break }
            oa -= st[0][d] * dims[d]; ob -= st[1][d] * dims[d]
            index[d] = 0
            d -= 1
        }
    }
}

/// Copies the elements of `src` (any strides) into the contiguous buffer `dst` in row-major order.
func copyStrided(from src: Tensor, into dst: UnsafeMutablePointer<Float>) {
    let base = src.storage.base
    var written = 0
    forEachRow2(shape: src.shape, stridesA: src.strides, offsetA: src.offset,
                stridesB: contiguousStrides(src.shape), offsetB: 0) { oa, _, n, sa, _ in
        let s = base + oa, d = dst + written
        if sa == 1 { d.update(from: s, count: n) } else if sa == 0 { d.update(repeating: s[0], count: n) } else {
            for i in 0..<n { d[i] = s[i * sa] }
        }
        written += n
    }
}

/// Writes the values of `src` (broadcast to `dst.shape`) into the view `dst`, in place.
/// `dst` must not overlap itself (it is never an expanded view).
func assignStrided(_ dst: Tensor, from src: Tensor, accumulate: Bool = false) {
    let d = dst.storage.base, s = src.storage.base
    forEachRow2(shape: dst.shape, stridesA: dst.strides, offsetA: dst.offset,
                stridesB: src.strides, offsetB: src.offset) { od, os, n, sd, ss in
        if accumulate {
            if sd == 0 && ss == 1 {
                d[od] += VectorKernels.sum(s + os, n)  // a reduction row
            } else if sd == 1 && ss == 1 {
                let x = d + od, y = s + os
                for i in 0..<n { x[i] += y[i] }
            } else {
                for i in 0..<n { d[od + i * sd] += s[os + i * ss] }
            }
        } else if sd == 1 && ss == 1 {
            (d + od).update(from: s + os, count: n)
        } else {
            for i in 0..<n { d[od + i * sd] = s[os + i * ss] }
        }
    }
}

/// An elementwise function of two floats. Kernels are types rather than closures because a
/// closure handed through `ParallelFor` is called once per element, which stops the compiler
/// from vectorising the loop; a generic kernel is specialised and inlined into it.
@usableFromInline protocol BinaryKernel { func callAsFunction(_ a: Float, _ b: Float) -> Float }
/// An elementwise function of one float (see `BinaryKernel`).
@usableFromInline protocol UnaryKernel { func callAsFunction(_ x: Float) -> Float }

/// Adapts a closure (rare ops, where a per-element call is fine).
@usableFromInline struct BinaryClosure: BinaryKernel {
    let f: (Float, Float) -> Float
    @inline(__always) @usableFromInline func callAsFunction(_ a: Float, _ b: Float) -> Float { f(a, b) }
}
@usableFromInline struct UnaryClosure: UnaryKernel {
    let f: (Float) -> Float
    @inline(__always) @usableFromInline func callAsFunction(_ x: Float) -> Float { f(x) }
}

/// Applies a binary function over two tensors already expanded to one shape, writing a new
/// contiguous tensor.
@inline(__always) @usableFromInline
func mapBinary(_ a: Tensor, _ b: Tensor, shape: [Int], _ f: (Float, Float) -> Float) -> Tensor {
    withoutActuallyEscaping(f) { f in mapBinary(a, b, shape: shape, BinaryClosure(f: f)) }
}

/// Applies `f` elementwise into a new contiguous tensor.
@inline(__always) @usableFromInline
func mapUnary(_ a: Tensor, _ f: (Float) -> Float) -> Tensor {
    withoutActuallyEscaping(f) { f in mapUnary(a, UnaryClosure(f: f)) }
}

/// Applies a binary kernel over two tensors already expanded to one shape, writing a new
/// contiguous tensor. Inner loops are specialised for unit and zero strides; large results
/// whose layout collapses to at most two dimensions (same-shape, row- or column-broadcast: the
/// bias adds and residuals of every layer) are split across cores by rows.
@inline(__always) @usableFromInline
func mapBinary<K: BinaryKernel>(_ a: Tensor, _ b: Tensor, shape: [Int], _ f: K) -> Tensor {
    let out = Tensor(uninitializedShape: shape)
    let pa = a.storage.base, pb = b.storage.base, po = out.pointer
    @inline(__always) func row(_ oa: Int, _ ob: Int, _ n: Int, _ sa: Int, _ sb: Int, _ o: UnsafeMutablePointer<Float>) {
        let x = pa + oa, y = pb + ob
        if sa == 1 && sb == 1 {
            for i in 0..<n { o[i] = f(x[i], y[i]) }
        } else if sa == 1 && sb == 0 {
            let v = y[0]
            for i in 0..<n { o[i] = f(x[i], v) }
        } else if sa == 0 && sb == 1 {
            let v = x[0]
            for i in 0..<n { o[i] = f(v, y[i]) }
        } else {
            for i in 0..<n { o[i] = f(x[i * sa], y[i * sb]) }
        }
    }
    let total = out.count
    if total >= 1 << 16 {
        let (dims, st) = collapseDims(shape, [a.strides, b.strides])
        if dims.count == 1 {
            ParallelFor.chunks(dims[0], grain: 1 << 15) { lo, hi in
                row(a.offset + lo * st[0][0], b.offset + lo * st[1][0], hi - lo, st[0][0], st[1][0], po + lo)
            }
            return out
        }
        if dims.count == 2 {
            let n = dims[1]
            ParallelFor.chunks(dims[0], grain: Swift.max(1, (1 << 15) / Swift.max(n, 1))) { lo, hi in
                for r in lo..<hi {
                    row(a.offset + r * st[0][0], b.offset + r * st[1][0], n, st[0][1], st[1][1], po + r * n)
                }
            }
            return out
        }
    }
    var written = 0
    forEachRow2(shape: shape, stridesA: a.strides, offsetA: a.offset, stridesB: b.strides, offsetB: b.offset) { oa, ob, n, sa, sb in
        row(oa, ob, n, sa, sb, po + written)
        written += n
    }
    return out
}

/// Applies a unary kernel elementwise into a new contiguous tensor.
@inline(__always) @usableFromInline
func mapUnary<K: UnaryKernel>(_ a: Tensor, _ f: K) -> Tensor {
    let x = a.contiguousValues()
    let out = Tensor(uninitializedShape: a.shape)
    let px = x.pointer, po = out.pointer
    let n = a.count
    ParallelFor.chunks(n, grain: 1 << 15) { lo, hi in
        for i in lo..<hi { po[i] = f(px[i]) }
    }
    withExtendedLifetime(x) {}
    return out
}

// The kernels of the hot elementwise ops (see `BinaryKernel`).
@usableFromInline struct AddKernel: BinaryKernel { @inline(__always) @usableFromInline func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b } }
@usableFromInline struct SubKernel: BinaryKernel { @inline(__always) @usableFromInline func callAsFunction(_ a: Float, _ b: Float) -> Float { a - b } }
@usableFromInline struct MulKernel: BinaryKernel { @inline(__always) @usableFromInline func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b } }
@usableFromInline struct DivKernel: BinaryKernel { @inline(__always) @usableFromInline func callAsFunction(_ a: Float, _ b: Float) -> Float { a / b } }
@usableFromInline struct AddScalarKernel: UnaryKernel {
    let s: Float
    @inline(__always) @usableFromInline func callAsFunction(_ x: Float) -> Float { x + s }
}
@usableFromInline struct MulScalarKernel: UnaryKernel {
    let s: Float
    @inline(__always) @usableFromInline func callAsFunction(_ x: Float) -> Float { x * s }
}
