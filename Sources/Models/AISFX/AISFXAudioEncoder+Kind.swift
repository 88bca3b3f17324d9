extension AISFXAudioEncoder {
    /// `aisfx[:PATH]`: the audio tower alone.
    public static let kind = ModelKind(
        name: "aisfx", summary: "the aisfx sound-effects CNN alone (audio only, 512-d; from its PyPI package)",
        arguments: [ModelArgument("path", "the checkpoint (default: the installed PyPI package's)", .path, default: "")]) { spec in
        guard let path = spec.path("path") ?? AISFXEmbeddingNet.locateCheckpoint() else {
            throw ModelSpecError(spec: spec.description, "aisfx checkpoint not found: pip install --no-deps aisfx==0.1.2, or give aisfx:PATH")
        }
        return try AISFXAudioEncoder(checkpoint: path)
    }
}
