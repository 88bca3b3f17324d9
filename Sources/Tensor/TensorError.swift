/// Errors thrown by tensor operations. Shape errors name the op and every shape involved, so a
/// script author can see at once which operand is wrong.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    /// Operand shapes are incompatible for `op`.
    case shapeMismatch(op: String, shapes: [[Int]], reason: String)
    /// An argument is out of range or otherwise invalid for `op`.
    case invalidArgument(op: String, message: String)
    /// A gradient was requested through something that cannot provide one.
    case noGradient(op: String, message: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, shapes, reason):
            let list = shapes.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" }
            return "\(op): shape mismatch \(list.joined(separator: " vs ")): \(reason)"
        case let .invalidArgument(op, message):
            return "\(op): \(message)"
        case let .noGradient(op, message):
            return "\(op): no gradient: \(message)"
        }
    }
}

/// Formats a shape as `[2, 3]` for messages.
@inlinable public func shapeString(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
