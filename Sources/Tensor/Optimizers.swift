import Foundation

// Optimizers with PyTorch semantics (torch.optim.SGD / AdamW) and learning-rate schedules.

/// A learning-rate schedule: the rate for a 0-based step.
public enum LearningRateSchedule: Sendable {
    /// The base rate throughout.
    case constant
    /// Linear warm-up from `warmupStart` over `warmupSteps`, then cosine decay from the base
    /// rate to `minimum` at `totalSteps` (CoOp's recipe uses a constant warm-up value instead:
    /// set `warmupConstant`).
    case cosine(totalSteps: Int, warmupSteps: Int = 0, warmupStart: Float = 0, minimum: Float = 0, warmupConstant: Bool = false)

    /// The rate at `step` given the base rate.
    public func rate(at step: Int, base: Float) -> Float {
        switch self {
        case .constant: return base
        case let .cosine(total, warmup, start, minimum, constant):
            if step < warmup {
                return constant ? start : start + (base - start) * Float(step) / Float(Swift.max(warmup, 1))
            }
            let t = Float(step - warmup) / Float(Swift.max(total - warmup, 1))
            return minimum + (base - minimum) * 0.5 * (1 + Float(cos(Double.pi * Double(Swift.min(t, 1)))))
        }
    }
}

/// Something that updates parameters from their `.grad`.
public protocol Optimizer: AnyObject {
    /// The parameters being trained.
    var parameters: [Tensor] { get }
    /// Applies one update from the current gradients; parameters without a gradient are skipped.
    func step()
    /// Current learning rate.
    var learningRate: Float { get set }
}

extension Optimizer {
    /// Clears every parameter's gradient.
    public func zeroGrad() { parameters.forEach { $0.zeroGrad() } }
}

/// SGD as `torch.optim.SGD`: `g += wd * p; buf = momentum * buf + (1 - dampening) * g`
/// (the first step sets `buf = g`); `p -= lr * buf`. Nesterov is not offered.
public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let momentum: Float, weightDecay: Float, dampening: Float
    private var buffers: [Tensor?]

    public init(parameters: [Tensor], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, dampening: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.dampening = dampening
        buffers = Array(repeating: nil, count: parameters.count)
    }

    public func step() {
        for (i, p) in parameters.enumerated() {
            guard let gradient = p.grad?.contiguousValues() else { continue }
            // A strided parameter (a view) is updated through a contiguous copy written back.
            let values = p.isContiguous ? p : p.copy()
            defer { if values !== p { assignStrided(p, from: values) } }
            let n = p.count, pp = values.pointer, pg = gradient.pointer, lr = learningRate, wd = weightDecay
            if momentum == 0 {
                for j in 0..<n { pp[j] -= lr * (pg[j] + wd * pp[j]) }
            } else if let buf = buffers[i] {
                let pb = buf.pointer, m = momentum, damp = 1 - dampening
                for j in 0..<n {
                    let b = m * pb[j] + damp * (pg[j] + wd * pp[j])
                    pb[j] = b
                    pp[j] -= lr * b
                }
            } else {
                // First step: the buffer starts as the gradient itself (torch.optim.SGD).
                let buf = Tensor(uninitializedShape: p.shape)
                let pb = buf.pointer
                for j in 0..<n { pb[j] = pg[j] + wd * pp[j]; pp[j] -= lr * pb[j] }
                buffers[i] = buf
            }
        }
    }
}

/// AdamW as `torch.optim.AdamW` (decoupled weight decay, bias-corrected moments).
public final class AdamW: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, eps: Float, weightDecay: Float
    private var m: [Tensor], v: [Tensor]
    private var t = 0

    public init(parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                eps: Float = 1e-8, weightDecay: Float = 0.01) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.weightDecay = weightDecay
        m = parameters.map { Tensor.zeros($0.shape) }
        v = parameters.map { Tensor.zeros($0.shape) }
    }

    public func step() {
        t += 1
        let bc1 = 1 - Float(pow(Double(beta1), Double(t))), bc2 = 1 - Float(pow(Double(beta2), Double(t)))
        for (i, p) in parameters.enumerated() {
            guard let gradient = p.grad?.contiguousValues() else { continue }
            let values = p.isContiguous ? p : p.copy()
            defer { if values !== p { assignStrided(p, from: values) } }
            let pp = values.pointer, pg = gradient.pointer, pm = m[i].pointer, pv = v[i].pointer
            for j in 0..<p.count {
                pp[j] *= 1 - learningRate * weightDecay
                pm[j] = beta1 * pm[j] + (1 - beta1) * pg[j]
                pv[j] = beta2 * pv[j] + (1 - beta2) * pg[j] * pg[j]
                let denom = (pv[j] / bc2).squareRoot() + eps
                pp[j] -= learningRate * (pm[j] / bc1) / denom
            }
        }
    }
}
