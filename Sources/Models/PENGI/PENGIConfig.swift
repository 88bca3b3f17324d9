/// Shapes of PENGI's two encoders and their projections.
public struct PENGIConfig: Sendable, Equatable {
    public var audio: HTSATConfig
    public var text: CLIPTextConfig
    /// Joint embedding size `d` (1024 for PENGI base).
    public var embeddingDim: Int

    public init(audio: HTSATConfig, text: CLIPTextConfig, embeddingDim: Int) {
        self.audio = audio; self.text = text; self.embeddingDim = embeddingDim
    }

    /// PENGI `base.pth`: HTSAT (Swin-T) + CLIP ViT-B/16 text tower, d = 1024.
    public static let pengiBase = PENGIConfig(audio: .pengiBase, text: .pengiBase, embeddingDim: 1024)
}
