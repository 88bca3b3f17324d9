/// Shapes of MS-CLAP 2023's towers and projections (msclap `configs/config_2023.yml`).
public struct MSCLAP2023Config: Sendable, Equatable {
    public var audio: HTSATConfig
    public var text: GPT2Config
    /// Joint embedding size `d_proj` (1024).
    public var embeddingDim: Int

    public init(audio: HTSATConfig, text: GPT2Config, embeddingDim: Int) {
        self.audio = audio; self.text = text; self.embeddingDim = embeddingDim
    }

    /// `CLAP_weights_2023.pth`: HTSAT (Swin-T, 768) + GPT-2 (768), d = 1024.
    public static let base = MSCLAP2023Config(audio: .pengiBase, text: .gpt2Base, embeddingDim: 1024)

    /// The reduced model of the golden fixture and of `msclap-2023-random:tiny`: HTSAT `.tiny`
    /// (768 -> 64), GPT-2 of width 32 with 2 layers, 4 heads and 128 positions over the bundled
    /// small vocabulary (`MSCLAP2023Tokenizer.bundledTiny`, 401 tokens), d = 24.
    public static let tiny = MSCLAP2023Config(
        audio: .tiny, text: GPT2Config(vocabSize: 401, width: 32, layers: 2, heads: 4, maxPositions: 128), embeddingDim: 24)
}
