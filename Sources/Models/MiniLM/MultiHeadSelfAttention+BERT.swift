import Tensor

// BERT stores the same four projections as CLIP under other names
// (`attention.self.{query,key,value}`, `attention.output.dense`); building the shared layer from
// them keeps one attention implementation in palm.

extension MultiHeadSelfAttention {
    /// Self-attention in the Hugging Face `BertAttention` layout, read from `loader` scoped at
    /// `encoder.layer.i.attention`. The output LayerNorm (`attention.output.LayerNorm`) is not
    /// part of this layer: `BERTLayer` applies it after the residual.
    public init(bert loader: WeightLoader, dim: Int, heads: Int) throws {
        precondition(dim % heads == 0, "width \(dim) is not divisible by \(heads) heads")
        let s = loader.scoped("self")
        qProj = try Linear(s.scoped("query"), inFeatures: dim, outFeatures: dim)
        kProj = try Linear(s.scoped("key"), inFeatures: dim, outFeatures: dim)
        vProj = try Linear(s.scoped("value"), inFeatures: dim, outFeatures: dim)
        outProj = try Linear(loader.scoped("output").scoped("dense"), inFeatures: dim, outFeatures: dim)
        self.heads = heads
        self.dim = dim
    }
}

extension MLP {
    /// BERT's feed-forward block: `intermediate.dense` (fc1, GELU erf) then `output.dense`
    /// (fc2), read from `loader` scoped at `encoder.layer.i`.
    public init(bert loader: WeightLoader, dim: Int, hidden: Int) throws {
        fc1 = try Linear(loader.scoped("intermediate").scoped("dense"), inFeatures: dim, outFeatures: hidden)
        fc2 = try Linear(loader.scoped("output").scoped("dense"), inFeatures: hidden, outFeatures: dim)
        activation = .gelu
    }
}
