import Tensor

/// Seeded random weights in a model's real key layout, for trying a model, benchmarks and
/// smoke tests without its checkpoint. Each tensor is drawn by what its key names:
/// Linear/conv weights ~ N(0, 1/fan_in), LayerNorm/BatchNorm weights near 1, BatchNorm running
/// statistics in the log-mel's dB range, biases, embeddings and position tables small. The
/// outputs mean nothing, but the arithmetic (and its cost) is the real model's.
public enum RandomCheckpoint {
    /// One tensor per `(key, shape)`, drawn in the given order from one generator.
    public static func source(_ shapes: [(key: String, shape: [Int])], seed: UInt64, name: String) -> DictionarySource {
        var g = SeededGenerator(seed: seed)
        var tensors: [String: Tensor] = [:]
        for (key, shape) in shapes {
            let leaf = key.split(separator: ".").last!
            let isNorm = key.lowercased().contains("norm") || key.contains("bn0")
            let t: Tensor
            switch leaf {
            case "running_mean": t = Tensor.normal(shape, mean: -20, std: 5, generator: &g)
            case "running_var": t = Tensor.uniform(shape, low: 50, high: 100, generator: &g)
            case "weight" where shape.count == 1 && isNorm: t = Tensor.normal(shape, mean: 1, std: 0.1, generator: &g)
            case "weight" where shape.count > 1 && !key.contains("embedding"):
                t = Tensor.normal(shape, std: 1 / Float(shape.dropFirst().reduce(1, *)).squareRoot(), generator: &g)
            default: t = Tensor.normal(shape, std: 0.1, generator: &g)
            }
            tensors[key] = t
        }
        return DictionarySource(tensors, name: name)
    }
}

/// Builds a list of parameter keys and shapes in checkpoint order.
public struct ParameterShapes {
    public private(set) var entries: [(key: String, shape: [Int])] = []

    public init() {}

    public mutating func add(_ key: String, _ shape: [Int]) { entries.append((key, shape)) }

    /// `p.weight [o, i]` and, with `bias`, `p.bias [o]`.
    public mutating func linear(_ p: String, _ i: Int, _ o: Int, bias: Bool = true) {
        add(p + ".weight", [o, i])
        if bias { add(p + ".bias", [o]) }
    }

    /// `p.weight [d]`, `p.bias [d]`.
    public mutating func norm(_ p: String, _ d: Int) { add(p + ".weight", [d]); add(p + ".bias", [d]) }
}
