/// Shapes of MS-CLAP 2022 (PyPI `msclap` 1.3.4, `configs/config_2022.yml`): CNN14 audio tower
/// (`out_emb` 2048), bert-base-uncased text tower (768), both projected to `d_proj` 1024.
public struct MSCLAP2022Config: Sendable, Equatable {
    public var audio: CNN14Config
    public var text: BERTConfig
    /// Joint embedding size `d` (`d_proj`).
    public var embeddingDim: Int
    /// Tokens per text including `[CLS]` and `[SEP]` (`text_len` 100).
    public var maxLength: Int

    public init(audio: CNN14Config, text: BERTConfig, embeddingDim: Int, maxLength: Int = 100) {
        self.audio = audio; self.text = text; self.embeddingDim = embeddingDim; self.maxLength = maxLength
    }

    /// `CLAP_weights_2022.pth`: CNN14 + bert-base-uncased, d = 1024.
    public static let released = MSCLAP2022Config(
        audio: .pann,
        text: BERTConfig(vocabSize: 30522, width: 768, layers: 12, heads: 12, intermediate: 3072, maxPositions: 512),
        embeddingDim: 1024)

    /// A reduced model with the real bert-base-uncased vocabulary (CNN14 `.tiny`, BERT width 32,
    /// 2 layers, 4 heads), d = 16: what `msclap-2022-random:tiny` builds and the fixture's shape
    /// (whose vocabulary is cut; see `MSCLAP2022Model.init`).
    public static let tiny = MSCLAP2022Config(
        audio: .tiny,
        text: BERTConfig(vocabSize: 30522, width: 32, layers: 2, heads: 4, intermediate: 64, maxPositions: 512),
        embeddingDim: 16)
}
