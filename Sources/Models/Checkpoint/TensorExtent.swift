import Tensor

/// The size of a tensor a file describes, checked before anything is allocated or read.
///
/// Shapes, strides and offsets in a checkpoint are untrusted numbers, and palm is built with
/// `-Ounchecked`, where an overflowing `*` wraps silently instead of trapping: a shape of
/// `[2^62 + 3, 4]` float32 "needs" 48 bytes by wrapped arithmetic, and was once read that way.
/// Every tensor reader (`SafeTensorsFile`, `TorchArchive`) therefore sizes tensors here, with
/// `multipliedReportingOverflow` throughout, and refuses the file, naming it and the key,
/// when a number is negative, a size cannot be addressed, or a tensor would be far larger
/// than the file that describes it.
struct TensorExtent {
    /// The shape, every dimension non-negative.
    let shape: [Int]
    /// Elements of the shape (0 when a dimension is 0).
    let elements: Int
    /// Bytes those elements take stored as the dtype.
    let bytes: Int

    /// Elements a tensor read from a file of `fileBytes` bytes may have or span: as many as the
    /// file has bytes, plus 256 Ki. A tensor whose elements are stored in the file has fewer by
    /// construction; this bounds what a few bytes of header can ask for otherwise: a `.pth`
    /// view with stride 0 (a broadcast, which palm copies out into a real tensor), and the
    /// dimensions of an empty tensor (`[2^40, 0]` holds nothing, but printing it or reducing
    /// over its empty axis walks or allocates 2^40 of something).
    static func elementLimit(fileBytes: Int) -> Int { fileBytes + (1 << 18) }

    /// Sizes `shape` of `dtype`, the tensor `key` of the file at `path` (of `fileBytes` bytes).
    /// Every dimension must be non-negative, the byte size addressable, and the elements, or
    /// for an empty tensor its other dimensions' product, within `elementLimit(fileBytes:)`.
    init(shape: [Int], dtype: StoredDType, key: String, path: String, fileBytes: Int) throws {
        func refuse(_ what: String) -> CheckpointError {
            .malformed(path: path, reason: "tensor \(CheckpointError.quoted(key)): shape \(shapeString(shape)) of \(dtype.rawValue) \(what)")
        }
        if let d = shape.first(where: { $0 < 0 }) { throw refuse("has the negative dimension \(d)") }
        guard let elements = Self.product(shape), case let (bytes, false) = elements.multipliedReportingOverflow(by: dtype.size) else {
            throw refuse("needs more bytes than can be addressed")
        }
        let limit = Self.elementLimit(fileBytes: fileBytes)
        let bound = "more than the \(limit) a tensor read from this \(fileBytes)-byte file may have"
        if elements == 0 {
            guard let span = Self.product(shape.map { max($0, 1) }) else {
                throw refuse("holds no elements, but its other dimensions multiply past what can be addressed")
            }
            guard span <= limit else { throw refuse("holds no elements, but its other dimensions multiply to \(span), \(bound)") }
        } else if elements > limit {
            throw refuse("has \(elements) elements, \(bound)")
        }
        self.shape = shape
        self.elements = elements
        self.bytes = bytes
    }

    /// The product of `dimensions`, or nil when it overflows `Int`.
    static func product(_ dimensions: [Int]) -> Int? {
        var n = 1
        for d in dimensions {
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            n = p
        }
        return n
    }

    /// The storage elements a strided view of this shape reaches: one past the farthest
    /// element, `offset + sum((shape[i] - 1) * strides[i]) + 1`, or 0 for an empty view.
    /// Offsets and strides must be non-negative (torch never saves negative strides) and the
    /// sum addressable; errors name `key` and the file at `path`.
    func storageElements(offset: Int, strides: [Int], key: String, path: String) throws -> Int {
        func refuse(_ what: String) -> CheckpointError {
            .malformed(path: path, reason: "tensor \(CheckpointError.quoted(key)): shape \(shapeString(shape)) with strides \(shapeString(strides)) at storage offset \(offset) \(what)")
        }
        guard shape.count == strides.count else { throw refuse("has \(strides.count) strides for \(shape.count) dimensions") }
        guard offset >= 0 else { throw refuse("has a negative storage offset") }
        if let s = strides.first(where: { $0 < 0 }) { throw refuse("has the negative stride \(s)") }
        if shape.contains(0) { return 0 }
        var (end, overflow) = offset.addingReportingOverflow(1)
        for (n, s) in zip(shape, strides) where !overflow {
            let (step, o1) = (n - 1).multipliedReportingOverflow(by: s)
            let (sum, o2) = end.addingReportingOverflow(step)
            overflow = o1 || o2
            end = sum
        }
        guard !overflow else { throw refuse("reaches past what can be addressed") }
        return end
    }
}
