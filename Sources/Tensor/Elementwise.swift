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
    func binary<K: BinaryKernel>(_ other: Tensor, name: String, _ op: Op, _ f: K) throws -> Tensor {
        let s = try broadcastShapes(shape, other.shape, op: name)
        return mapBinary(broadcastView(to: s), other.broadcastView(to: s), shape: s, f)
            .recorded(op, inputs: [self, other])
    }

    /// `a + b` with broadcasting.
    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(b, name: "add", .add, AddKernel()) }
    /// `a - b` with broadcasting.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(b, name: "sub", .sub, SubKernel()) }
    /// `a * b` (elementwise) with broadcasting.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(b, name: "mul", .mul, MulKernel()) }
    /// `a / b` (elementwise) with broadcasting.
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(b, name: "div", .div, DivKernel()) }

    /// `x + s`.
    public static func + (a: Tensor, s: Float) -> Tensor { mapUnary(a, AddScalarKernel(s: s)).recorded(.addScalar, inputs: [a]) }
    /// `s + x`.
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    /// `x - s`.
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    /// `s - x`.
    public static func - (s: Float, a: Tensor) -> Tensor { (-a) + s }
    /// `x * s`.
    public static func * (a: Tensor, s: Float) -> Tensor { mapUnary(a, MulScalarKernel(s: s)).recorded(.mulScalar(s), inputs: [a]) }
    /// `s * x`.
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    /// `x / s`.
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
    /// `s / x`.
    public static func / (s: Float, a: Tensor) -> Tensor { a.pow(-1) * s }
    /// `-x`.
    public static prefix func - (a: Tensor) -> Tensor { mapUnary(a, MulScalarKernel(s: -1)).recorded(.neg, inputs: [a]) }

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
    public func exp() -> Tensor {
        let out = mapUnary(self, ExpKernel())
        // Outside [-87, 88] (overflow to inf, subnormal results) libm's exp gives the exact value.
        let p = out.pointer, x = contiguousValues().pointer
        for i in 0..<out.count where !(x[i] >= -87 && x[i] <= 88) && !x[i].isNaN { p[i] = Foundation.exp(x[i]) }
        return out.recorded(.exp, inputs: [self])
    }
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
    public func sigmoid() -> Tensor { mapUnary(self, SigmoidKernel()).recorded(.sigmoid, inputs: [self]) }
    /// `max(x, 0)`.
    public func relu() -> Tensor { mapUnary(self) { $0 > 0 ? $0 : 0 }.recorded(.relu, inputs: [self]) }
    /// GELU, exact erf form: `x * Phi(x)` (PyTorch `nn.GELU()` default; PENGI projections, HTSAT).
    public func gelu() -> Tensor { mapUnary(self, GELUKernel()).recorded(.gelu, inputs: [self]) }
    /// GELU, tanh approximation: `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))` (GPT-2's
    /// `gelu_new`, PyTorch `gelu(approximate="tanh")`).
    public func geluTanh() -> Tensor { mapUnary(self, GELUTanhKernel()).recorded(.geluTanh, inputs: [self]) }
    /// QuickGELU `x * sigmoid(1.702 x)` (CLIP's text tower).
    public func quickGelu() -> Tensor { mapUnary(self, QuickGELUKernel()).recorded(.quickGelu, inputs: [self]) }
}

// The kernels of the activations, forward and backward (`g` the output gradient).
struct ExpKernel: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { FastMath.exp(x) } }
struct SigmoidKernel: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { FastMath.sigmoid(x) } }
struct GELUKernel: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { FastMath.gelu(x) } }
struct GELUTanhKernel: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { FastMath.geluTanh(x) } }
struct QuickGELUKernel: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { FastMath.quickGelu(x) } }
/// g s (1 - s) from the output s.
struct SigmoidGradKernel: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ s: Float) -> Float { g * s * (1 - s) } }
struct GELUGradKernel: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { g * FastMath.geluDerivative(x) } }
struct GELUTanhGradKernel: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { g * FastMath.geluTanhDerivative(x) } }
struct QuickGELUGradKernel: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { g * FastMath.quickGeluDerivative(x) } }
