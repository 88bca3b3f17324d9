import Foundation

// Elementwise arithmetic with NumPy broadcasting, tensor-scalar arithmetic and the unary maps
// (activations included). Backward formulas live in Backward.swift.

extension Tensor {
    /// A view of `self` broadcast to `shape` (stride 0 on expanded dims); never recorded.
    func broadcastView(to target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = target.count - rank
        var st = [Int](repeating: 0, count: target.count)
        for i in 0..<rank where shape[i] == target[lead + i] { st[lead + i] = strides[i] }
        return Tensor(storage: storage, shape: target, strides: st, offset: offset)
    }

    @inline(__always)
    func binary(_ other: Tensor, name: String, _ op: Op, _ f: (Float, Float) -> Float) throws -> Tensor {
        let s = try broadcastShapes(shape, other.shape, op: name)
        return mapBinary(broadcastView(to: s), other.broadcastView(to: s), shape: s, f)
            .recorded(op, inputs: [self, other])
    }

    /// `a + b` with broadcasting.
    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(b, name: "add", .add, +) }
    /// `a - b` with broadcasting.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(b, name: "sub", .sub, -) }
    /// `a * b` (elementwise) with broadcasting.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(b, name: "mul", .mul, *) }
    /// `a / b` (elementwise) with broadcasting.
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(b, name: "div", .div, /) }

    /// `x + s`.
    public static func + (a: Tensor, s: Float) -> Tensor { mapUnary(a) { $0 + s }.recorded(.addScalar, inputs: [a]) }
    /// `s + x`.
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    /// `x - s`.
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    /// `s - x`.
    public static func - (s: Float, a: Tensor) -> Tensor { (-a) + s }
    /// `x * s`.
    public static func * (a: Tensor, s: Float) -> Tensor { mapUnary(a) { $0 * s }.recorded(.mulScalar(s), inputs: [a]) }
    /// `s * x`.
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    /// `x / s`.
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
    /// `s / x`.
    public static func / (s: Float, a: Tensor) -> Tensor { a.pow(-1) * s }
    /// `-x`.
    public static prefix func - (a: Tensor) -> Tensor { mapUnary(a) { -$0 }.recorded(.neg, inputs: [a]) }

    /// `x ** p` for a scalar exponent.
    public func pow(_ p: Float) -> Tensor {
        let r: Tensor
        if p == 2 { r = mapUnary(self) { $0 * $0 } } else if p == -1 { r = mapUnary(self) { 1 / $0 } } else {
            r = mapUnary(self) { Foundation.pow($0, p) }
        }
        return r.recorded(.powScalar(p), inputs: [self])
    }

    /// Sum of two tensors outside the tape (gradient accumulation).
    func adding(_ other: Tensor) throws -> Tensor { try GradMode.withoutGrad { try self + other } }

    // MARK: Unary maps

    /// `e^x`.
    public func exp() -> Tensor { mapUnary(self) { Foundation.exp($0) }.recorded(.exp, inputs: [self]) }
    /// Natural logarithm.
    public func log() -> Tensor { mapUnary(self) { Foundation.log($0) }.recorded(.log, inputs: [self]) }
    /// Square root.
    public func sqrt() -> Tensor { mapUnary(self) { $0.squareRoot() }.recorded(.sqrt, inputs: [self]) }
    /// Hyperbolic tangent.
    public func tanh() -> Tensor { mapUnary(self) { Foundation.tanh($0) }.recorded(.tanh, inputs: [self]) }
    /// Gauss error function.
    public func erf() -> Tensor { mapUnary(self) { Foundation.erf($0) }.recorded(.erf, inputs: [self]) }
    /// Absolute value (gradient `sign(x)`, 0 at 0).
    public func abs() -> Tensor { mapUnary(self) { Swift.abs($0) }.recorded(.abs, inputs: [self]) }
    /// Logistic sigmoid `1 / (1 + e^-x)`.
    public func sigmoid() -> Tensor { mapUnary(self, Activation.sigmoid).recorded(.sigmoid, inputs: [self]) }
    /// `max(x, 0)`.
    public func relu() -> Tensor { mapUnary(self) { $0 > 0 ? $0 : 0 }.recorded(.relu, inputs: [self]) }
    /// GELU, exact erf form: `x * Phi(x)` (PyTorch `nn.GELU()` default; PENGI projections, HTSAT).
    public func gelu() -> Tensor { mapUnary(self, Activation.gelu).recorded(.gelu, inputs: [self]) }
    /// QuickGELU `x * sigmoid(1.702 x)` (CLIP's text tower).
    public func quickGelu() -> Tensor { mapUnary(self, Activation.quickGelu).recorded(.quickGelu, inputs: [self]) }
}

/// Scalar activation functions and their derivatives, shared by forward and backward kernels.
enum Activation {
    @inline(__always) static func sigmoid(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }
    @inline(__always) static func gelu(_ x: Float) -> Float { 0.5 * x * (1 + Foundation.erf(x * 0.70710678118654752)) }
    /// d/dx [x Phi(x)] = Phi(x) + x phi(x).
    @inline(__always) static func geluDerivative(_ x: Float) -> Float {
        let cdf = 0.5 * (1 + Foundation.erf(x * 0.70710678118654752))
        let pdf = 0.39894228040143268 * Foundation.exp(-0.5 * x * x)
        return cdf + x * pdf
    }
    @inline(__always) static func quickGelu(_ x: Float) -> Float { x * sigmoid(1.702 * x) }
    /// d/dx [x s(1.702x)] = s + 1.702 x s (1 - s).
    @inline(__always) static func quickGeluDerivative(_ x: Float) -> Float {
        let s = sigmoid(1.702 * x)
        return s + 1.702 * x * s * (1 - s)
    }
}
