import Tensor

// A random-weight MS-CLAP 2022 checkpoint in the real key layout, for `msclap-2022-random`,
// benchmarks and smoke tests without `CLAP_weights_2022.pth`. Linear/conv weights
// ~ N(0, 1/fan_in), norm weights near 1, biases and embedding tables small, bn0's running
// statistics in the log-mel's dB range and the conv blocks' near (0, 1): the outputs mean
// nothing, the arithmetic (and its cost) is the real model's.

extension MSCLAP2022Model {
    /// Every key `init(source:...)` reads for `config`, with its shape.
    public static func parameterShapes(_ config: MSCLAP2022Config) -> [(key: String, shape: [Int])] {
        func projection(_ p: String, _ i: Int, _ o: Int) -> [(key: String, shape: [Int])] {
            [(p + ".linear1.weight", [o, i]), (p + ".linear2.weight", [o, o]), (p + ".layer_norm.weight", [o]), (p + ".layer_norm.bias", [o])]
        }
        return CNN14.parameterShapes(config.audio).map { ("audio_encoder.base." + $0.key, $0.shape) }
            + projection("audio_encoder.projection", config.audio.embeddingDim, config.embeddingDim)
            + BERTModel.parameterShapes(config.text).map { ("caption_encoder.base." + $0.key, $0.shape) }
            + projection("caption_encoder.projection", config.text.width, config.embeddingDim)
    }

    /// A seeded random checkpoint for `config` (see `parameterShapes`).
    public static func randomSource(config: MSCLAP2022Config, seed: UInt64 = 0) -> DictionarySource {
        var g = SeededGenerator(seed: seed)
        var tensors: [String: Tensor] = [:]
        for (key, shape) in parameterShapes(config) {
            let leaf = key.split(separator: ".").last!
            let bn0 = key.contains(".bn0.")
            let t: Tensor
            switch leaf {
            case "running_mean": t = bn0 ? Tensor.normal(shape, mean: -20, std: 5, generator: &g) : Tensor.normal(shape, std: 0.1, generator: &g)
            case "running_var": t = bn0 ? Tensor.uniform(shape, low: 50, high: 100, generator: &g) : Tensor.uniform(shape, low: 0.5, high: 1.5, generator: &g)
            case "weight" where shape.count == 1: t = Tensor.normal(shape, mean: 1, std: 0.1, generator: &g)
            case "weight" where shape.count > 1 && !key.contains("embeddings"):
                t = Tensor.normal(shape, std: 1 / Float(shape.dropFirst().reduce(1, *)).squareRoot(), generator: &g)
            default: t = Tensor.normal(shape, std: 0.1, generator: &g)
            }
            tensors[key] = t
        }
        let size = config == .released ? "base" : config == .tiny ? "tiny" : "custom"
        return DictionarySource(tensors, name: "<random MS-CLAP 2022 \(size) seed \(seed)>")
    }
}
