import Foundation

// Reverse-mode autodiff. Each recorded op stores an `Op` (what it was, with what backward
// needs) and its inputs; `backward()` walks the graph in reverse topological order and asks
// `Op.gradients` (Backward.swift, one exhaustive switch) for each input's gradient.

/// A recorded op application.
final class Node {
    let op: Op
    let inputs: [Tensor]
    init(op: Op, inputs: [Tensor]) {
        self.op = op
        self.inputs = inputs
    }
}

/// Whether ops record on the tape on this thread. Per-thread so a background embedding job in
/// no-grad mode never switches recording off for a training loop elsewhere.
public enum GradMode {
    private final class Flag { var disabledDepth = 0 }
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k) { p in if let p { Unmanaged<AnyObject>.fromOpaque(p).release() } }
        return k
    }()
    private static var flag: Flag {
        if let p = pthread_getspecific(key) { return Unmanaged<Flag>.fromOpaque(p).takeUnretainedValue() }
        let f = Flag()
        pthread_setspecific(key, Unmanaged.passRetained(f).toOpaque())
        return f
    }

    /// True unless inside `withoutGrad`.
    public static var isEnabled: Bool { flag.disabledDepth == 0 }

    /// Runs `body` with recording off: results never require grad and nothing is kept for a
    /// backward pass, so intermediates are freed as soon as they are consumed.
    public static func withoutGrad<R>(_ body: () throws -> R) rethrows -> R {
        let f = flag
        f.disabledDepth += 1
        defer { f.disabledDepth -= 1 }
        return try body()
    }

    /// Runs `body` with recording on, even inside `withoutGrad` (a checkpointed block's
    /// backward recomputes it on the tape while the outer backward runs without one).
    static func withGrad<R>(_ body: () throws -> R) rethrows -> R {
        let f = flag
        let saved = f.disabledDepth
        f.disabledDepth = 0
        defer { f.disabledDepth = saved }
        return try body()
    }
}

extension Tensor {
    /// Attaches `op` to `self` when recording applies. `op` is an autoclosure so the saved
    /// state for backward is built only when it will be used.
    @discardableResult
    func recorded(_ op: @autoclosure () -> Op, inputs: [Tensor]) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return self }
        requiresGrad = true
        node = Node(op: op(), inputs: inputs)
        return self
    }

    /// Backpropagates from this tensor. A non-scalar output needs `gradient` (same shape);
    /// leaves that require grad accumulate into `.grad`.
    public func backward(_ gradient: Tensor? = nil) throws {
        guard requiresGrad else {
            throw TensorError.noGradient(op: "backward", message: "tensor of shape \(shapeString(shape)) does not require grad (no trainable input reaches it)")
        }
        let seed: Tensor
        if let g = gradient {
            guard g.shape == shape else {
                throw TensorError.shapeMismatch(op: "backward", shapes: [shape, g.shape], reason: "gradient must match the output shape")
            }
            seed = g
        } else {
            guard count == 1 else {
                throw TensorError.invalidArgument(op: "backward", message: "output of shape \(shapeString(shape)) is not a scalar; pass a gradient")
            }
            seed = Tensor.ones(shape)
        }
        // Reverse topological order by iterative DFS (deep graphs must not overflow the stack).
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (t, expanded) = stack.popLast() {
            if expanded { order.append(t); continue }
            let id = ObjectIdentifier(t)
            if visited.contains(id) { continue }
            visited.insert(id)
            stack.append((t, true))
            if let node = t.node {
                for input in node.inputs where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                    stack.append((input, false))
                }
            }
        }
        try GradMode.withoutGrad {
            var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
            for t in order.reversed() {
                guard let g = grads.removeValue(forKey: ObjectIdentifier(t)) else { continue }
                guard let node = t.node else {
                    t.grad = try t.grad.map { try $0.adding(g) } ?? g.contiguousValues()
                    continue
                }
                let inputGrads = try node.op.gradients(inputs: node.inputs, output: t, gradOutput: g)
                for (input, ig) in zip(node.inputs, inputGrads) {
                    guard input.requiresGrad, let ig else { continue }
                    let id = ObjectIdentifier(input)
                    grads[id] = try grads[id].map { try $0.adding(ig) } ?? ig
                }
            }
        }
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() { grad = nil }

    /// `body(self)` without keeping the block's intermediates for backward: the block runs off
    /// the tape and is recorded as one node; backward runs it again on the tape and
    /// backpropagates through that (PyTorch's `torch.utils.checkpoint`). Activation memory drops
    /// from every op of the block to its input, for one more forward pass of compute.
    /// `body` must be deterministic (no dropout) and may close over frozen or trainable weights
    /// (trainable ones receive their gradients from the recomputation). Off the tape, or when
    /// `self` needs no gradient, this is just `body(self)`.
    public func checkpointed(_ body: @escaping (Tensor) throws -> Tensor) throws -> Tensor {
        guard GradMode.isEnabled, requiresGrad else { return try body(self) }
        let y = try GradMode.withoutGrad { try body(self) }
        // A block returning a view of its input would share the input's node; give it its own.
        let out = y.node == nil && y !== self ? y : y.detached()
        return out.recorded(.checkpoint(body: body), inputs: [self])
    }
}

/// The gradient of a checkpointed block's input: the block recomputed on the tape from a
/// detached copy of `x`, then backpropagated from `g` (nested inside the outer backward).
func recomputedGradient(_ body: (Tensor) throws -> Tensor, _ x: Tensor, _ g: Tensor) throws -> Tensor {
    try GradMode.withGrad {
        let leaf = x.detached().requiringGrad()
        let y = try body(leaf)
        guard y.requiresGrad else { return Tensor.zeros(x.shape) }
        try y.backward(g)
        return leaf.grad ?? Tensor.zeros(x.shape)
    }
}
