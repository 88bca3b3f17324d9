import Foundation

/// A float32 n-dimensional array: a strided view into a shared `Storage`.
///
/// Shape legend used across the kernels: `B` batch, `T` tokens/time, `C` channels/features,
/// `H` heads, `M x K @ K x N` for matrix products.
///
/// A tensor either is a *leaf* (created by the user; may be a trainable parameter when
/// `requiresGrad` is set) or the result of an op. Ops record a node on the tape only when grad
/// mode is on and one of their inputs requires grad, so frozen inference records nothing.
public final class Tensor: @unchecked Sendable {
    /// Size of each dimension (`[]` for a scalar).
    public let shape: [Int]
    /// Element step for each dimension; 0 marks a broadcast (expanded) dimension.
    public let strides: [Int]
    /// Index of the first element in `storage`.
    public let offset: Int
    /// The shared buffer this tensor views.
    public let storage: Storage
    /// Whether gradients flow to this tensor.
    public internal(set) var requiresGrad: Bool
    /// The op that produced this tensor, when it was recorded on the tape.
    var node: Node?
    /// Accumulated gradient of a leaf after `backward()` (PyTorch semantics: `+=`).
    public var grad: Tensor?

    init(storage: Storage, shape: [Int], strides: [Int], offset: Int = 0) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.requiresGrad = false
    }

    /// A fresh contiguous tensor with uninitialised values (kernels fill it).
    init(uninitializedShape shape: [Int]) {
        storage = Storage(uninitializedCount: elementCount(shape))
        self.shape = shape
        strides = contiguousStrides(shape)
        offset = 0
        requiresGrad = false
    }

    /// A fresh contiguous tensor whose values the caller's kernel writes before anything reads
    /// them (fused inference kernels outside this module).
    public static func uninitialized(_ shape: [Int]) -> Tensor { Tensor(uninitializedShape: shape) }

    /// Creates a tensor from row-major `data`; throws if `data.count` does not match `shape`.
    public convenience init(_ data: [Float], shape: [Int]) throws {
        guard data.count == elementCount(shape), shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument(op: "Tensor", message:
                "\(data.count) values do not fill shape \(shapeString(shape)) (\(elementCount(shape)) elements)")
        }
        self.init(uninitializedShape: shape)
        data.withUnsafeBufferPointer { storage.base.update(from: $0.baseAddress!, count: data.count) }
    }

    /// A 1-d tensor holding `data`.
    public convenience init(_ data: [Float]) {
        try! self.init(data, shape: [data.count])
    }

    /// A scalar (rank-0) tensor.
    public convenience init(scalar: Float) {
        self.init(uninitializedShape: [])
        storage.base[0] = scalar
    }

    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        t.storage.base.update(repeating: value, count: t.count)
        return t
    }
    /// Zeros of `shape`.
    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, 0) }
    /// Ones of `shape`.
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }
    /// `0, 1, ..., n-1` as floats.
    public static func arange(_ n: Int) -> Tensor {
        let t = Tensor(uninitializedShape: [n])
        for i in 0..<n { t.storage.base[i] = Float(i) }
        return t
    }

    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { elementCount(shape) }

    /// True when the elements are laid out row-major without gaps starting at `offset`.
    public var isContiguous: Bool {
        var expected = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) where shape[i] != 1 {
            if strides[i] != expected { return false }
            expected *= shape[i]
        }
        return true
    }

    /// Pointer to the first element (valid while the tensor is alive).
    public var pointer: UnsafeMutablePointer<Float> { storage.base + offset }

    /// Marks this leaf as trainable (or not) and returns it.
    @discardableResult
    public func requiringGrad(_ flag: Bool = true) -> Tensor {
        requiresGrad = flag
        return self
    }

    /// A leaf that shares the values but is cut from the tape (PyTorch `detach`).
    public func detached() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset)
    }

    /// A contiguous copy that owns fresh storage (safe to modify in place); a leaf, off the tape.
    public func copy() -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        copyStrided(from: self, into: out.pointer)
        return out
    }

    /// The elements in row-major order.
    public func toArray() -> [Float] {
        let c = contiguousValues()
        return Array(UnsafeBufferPointer(start: c.pointer, count: c.count))
    }

    /// The single value of a one-element tensor.
    public func item() throws -> Float {
        guard count == 1 else {
            throw TensorError.invalidArgument(op: "item", message: "tensor of shape \(shapeString(shape)) has \(count) elements, expected 1")
        }
        return pointer[0]
    }

    /// Element at a full index (no bounds checks beyond Swift's own; for tests and printing).
    public subscript(index: Int...) -> Float {
        var o = offset
        for (i, v) in index.enumerated() { o += v * strides[i] }
        return storage.base[o]
    }

    /// This tensor if already contiguous, else a contiguous copy of its values — never recorded
    /// on the tape (kernels use it to read inputs; `contiguous()` is the differentiable form).
    func contiguousValues() -> Tensor {
        if isContiguous { return self }
        let out = Tensor(uninitializedShape: shape)
        copyStrided(from: self, into: out.pointer)
        return out
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let values = toArray()
        let shown = values.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor\(shapeString(shape))(\(shown)\(values.count > 8 ? ", ..." : ""))"
    }
}

