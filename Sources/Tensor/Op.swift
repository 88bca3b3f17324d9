/// The closed set of differentiable ops. Each case carries what its backward pass needs;
/// `Op.gradients` (Backward.swift) switches over every case, so adding an op without its
/// gradient does not compile.
enum Op {
    // Broadcasting arithmetic (inputs: a, b).
    case add, sub, mul, div
    // Tensor-scalar arithmetic (input: x).
    case addScalar, mulScalar(Float), powScalar(Float)
    // Unary maps (input: x).
    case neg, exp, log, sqrt, tanh, erf, sigmoid, relu, gelu, geluTanh, quickGelu, abs
    // Reductions (input: x). `keptShape` is the reduced shape with size-1 dims kept.
    case sum(keptShape: [Int])
    case max(axis: Int, indices: [Int32], keptShape: [Int])
    // Normalisation along the last axis.
    case softmax, logSoftmax
    case layerNorm(mean: [Float], rstd: [Float], hasWeight: Bool, hasBias: Bool)
    case l2Normalize(norms: [Float], eps: Float)
    // Linear algebra (inputs: a, b).
    case matmul
    case linear(hasBias: Bool)
    // Fused scaled dot-product attention (inputs: q, k, v); the mask needs no gradient.
    case attention(scale: Float, probabilities: Tensor)
    // Views and copies (input: x).
    case reshape, permute([Int]), expand, slice(axis: Int, start: Int, step: Int), contiguous
    case concat(axis: Int, sizes: [Int])
    case indexSelect(axis: Int, indices: [Int])
    // Spatial ops on [N, C, H, W].
    case conv2d(stride: (Int, Int), padding: (Int, Int), hasBias: Bool)
    case maxPool2d(argmax: [Int32])
    case avgPool2d(kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), countIncludePad: Bool)
    // Losses (input: logits).
    case crossEntropy(targets: [Int], probabilities: Tensor)
    // A block run without keeping its intermediates (input: x); backward runs it again on the
    // tape (gradient checkpointing: memory of one block instead of all of them).
    case checkpoint(body: (Tensor) throws -> Tensor)
}
