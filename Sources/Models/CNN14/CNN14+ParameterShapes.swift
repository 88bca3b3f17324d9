extension CNN14 {
    /// Every tensor `CNN14.init` reads, relative to the tower's prefix, with its shape
    /// (BatchNorm running statistics included; the unread keys are not).
    public static func parameterShapes(_ c: CNN14Config) -> [(key: String, shape: [Int])] {
        var out: [(String, [Int])] = []
        func norm(_ p: String, _ n: Int) {
            for k in ["weight", "bias", "running_mean", "running_var"] { out.append((p + "." + k, [n])) }
        }
        norm("bn0", c.melBins)
        var inChannels = 1
        for (i, o) in c.channels.enumerated() {
            let b = "conv_block\(i + 1)."
            out.append((b + "conv1.weight", [o, inChannels, 3, 3])); norm(b + "bn1", o)
            out.append((b + "conv2.weight", [o, o, 3, 3])); norm(b + "bn2", o)
            inChannels = o
        }
        out.append(("fc1.weight", [c.embeddingDim, c.channels[5]]))
        out.append(("fc1.bias", [c.embeddingDim]))
        return out
    }
}
