import Tensor

extension PreNormTransformerLayer {
    /// A CLIP text layer (HF `CLIPEncoderLayer`), MLP with QuickGELU. Checkpoint keys:
    /// `self_attn.{q,k,v,out}_proj.*`, `layer_norm1.*`, `mlp.fc{1,2}.*`, `layer_norm2.*`.
    public init(clip loader: WeightLoader, config c: CLIPTextConfig) throws {
        self.init(selfAttention: try MultiHeadSelfAttention(loader.scoped("self_attn"), dim: c.width, heads: c.heads),
                  layerNorm1: try LayerNorm(loader.scoped("layer_norm1"), dim: c.width, eps: c.layerNormEps),
                  mlp: try MLP(loader.scoped("mlp"), dim: c.width, hidden: c.intermediate, activation: .quickGelu),
                  layerNorm2: try LayerNorm(loader.scoped("layer_norm2"), dim: c.width, eps: c.layerNormEps))
    }
}
