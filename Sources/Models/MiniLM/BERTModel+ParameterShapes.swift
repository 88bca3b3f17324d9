extension BERTModel {
    /// Every tensor `BERTModel.init` reads, relative to the encoder's prefix (Hugging Face
    /// `BertModel` names), with its shape; the unread `ignoredPrefixes` are not included.
    public static func parameterShapes(_ c: BERTConfig) -> [(key: String, shape: [Int])] {
        var out: [(String, [Int])] = []
        func linear(_ p: String, _ i: Int, _ o: Int) { out.append((p + ".weight", [o, i])); out.append((p + ".bias", [o])) }
        func norm(_ p: String) { out.append((p + ".weight", [c.width])); out.append((p + ".bias", [c.width])) }
        out.append(("embeddings.word_embeddings.weight", [c.vocabSize, c.width]))
        out.append(("embeddings.position_embeddings.weight", [c.maxPositions, c.width]))
        out.append(("embeddings.token_type_embeddings.weight", [c.typeVocabSize, c.width]))
        norm("embeddings.LayerNorm")
        for i in 0..<c.layers {
            let l = "encoder.layer.\(i)."
            for p in ["query", "key", "value"] { linear(l + "attention.self." + p, c.width, c.width) }
            linear(l + "attention.output.dense", c.width, c.width)
            norm(l + "attention.output.LayerNorm")
            linear(l + "intermediate.dense", c.width, c.intermediate)
            linear(l + "output.dense", c.intermediate, c.width)
            norm(l + "output.LayerNorm")
        }
        return out
    }
}
