import Tensor

// LAION-CLAP's feature fusion in HTSAT's patch embedding (`laion_clap` 1.1.7
// `clap_module/htsat.py` `PatchEmbed` with `enable_fusion=True, fusion_type='aff_2d'`, and
// `clap_module/feature_fusion.py` `AFF(channels=embed_dim, type='2D')`), eval mode:
//   input: the fusion log-mel [B, 4, T, mels] (`FusionMel`: channel 0 the shrunk whole clip,
//          1-3 three chunks) and `longer` per clip
//   bn0 on the mel axis of all four channels, `reshape_wav2img` of each channel -> [B, 4, 256, 256]
//   global = proj(channel 0)                                   [B, C, 64, 64], every clip
//   for the `longer` clips only (`longer_list_idx`; the others keep `global`):
//     local = mel_conv2d(each of channels 1-3)  kernel (p, 3p), stride (p, 3p), no padding
//             -> [L, 3, C, 64, 21] -> permute to [L, C, 64, 3, 21] -> [L, C, 64, 63]
//             zero-padded (or cut) along the last axis to global's width 64
//     global[longer] = AFF(global[longer], local)
//   then the patch norm and the Swin stages as without fusion.
// AFF: xa = x + r; wei = sigmoid(local_att(xa) + global_att(xa));  out = 2 x wei + 2 r (1 - wei)
//   local_att  = conv1x1(C -> C/4), BN, ReLU, conv1x1(C/4 -> C), BN
//   global_att = mean over H, W (AdaptiveAvgPool2d(1)), then the same four layers (own weights)
// (AFF duplicates a batch of one before its BatchNorms; in eval mode that changes nothing.)
// When no clip of a batch is longer, the reference takes a shortcut (`longer_idx=[]`) that is
// the same computation without the local branch.
//
// Keys, under the tower's `patch_embed.`: `mel_conv2d.{weight [C, 1, p, 3p], bias}`,
// `fusion_model.local_att.{0,3}` convs and `{1,4}` BatchNorms, `fusion_model.global_att.{1,4}`
// convs and `{2,5}` BatchNorms.

/// `AFF` (2-D attentional feature fusion) in eval mode.
public struct AttentionalFeatureFusion: Sendable {
    /// conv, BN, (ReLU), conv, BN.
    struct Branch: Sendable {
        let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d

        init(_ loader: WeightLoader, first: Int, channels: Int, inter: Int) throws {
            conv1 = try Conv2d(loader.scoped(first), inChannels: channels, outChannels: inter, kernel: (1, 1))
            bn1 = try BatchNorm2d(loader.scoped(first + 1), channels: inter)
            conv2 = try Conv2d(loader.scoped(first + 3), inChannels: inter, outChannels: channels, kernel: (1, 1))
            bn2 = try BatchNorm2d(loader.scoped(first + 4), channels: channels)
        }

        func callAsFunction(_ x: Tensor) throws -> Tensor { try bn2(conv2(bn1.reluInPlace(conv1(x)))) }
    }

    let local: Branch
    let global: Branch

    /// Loads `local_att.*` and `global_att.*` under `loader` (scoped at `fusion_model`).
    /// `r` = 4 as the package fixes it.
    public init(_ loader: WeightLoader, channels: Int) throws {
        let inter = channels / 4
        local = try Branch(loader.scoped("local_att"), first: 0, channels: channels, inter: inter)
        global = try Branch(loader.scoped("global_att"), first: 1, channels: channels, inter: inter)
    }

    /// Fuses `x` and `residual`, both `[N, C, H, W]`.
    public func callAsFunction(_ x: Tensor, _ residual: Tensor) throws -> Tensor {
        let xa = try x + residual
        let weight = try (local(xa) + global(xa.mean(axes: [2, 3], keepDims: true))).sigmoid()
        return try (x * weight + residual * (1 - weight)) * 2
    }
}

/// HTSAT's fusion patch embedding: `mel_conv2d` over the local chunks and the AFF module.
public struct HTSATFusion: Sendable {
    let melConv: Conv2d
    let fusion: AttentionalFeatureFusion

    /// Loads `mel_conv2d.*` and `fusion_model.*` from `loader` scoped at the tower's `patch_embed`.
    public init(_ loader: WeightLoader, config c: HTSATConfig) throws {
        melConv = try Conv2d(loader.scoped("mel_conv2d"), inChannels: 1, outChannels: c.embedDim, kernel: (c.patchSize, 3 * c.patchSize),
                             stride: (c.patchSize, 3 * c.patchSize))
        fusion = try AttentionalFeatureFusion(loader.scoped("fusion_model"), channels: c.embedDim)
    }

    /// Every parameter key under `prefix` (the tower's `patch_embed.`) with its shape.
    static func parameterShapes(_ c: HTSATConfig, prefix h: String) -> [(key: String, shape: [Int])] {
        let ch = c.embedDim, inter = c.embedDim / 4
        var out: [(key: String, shape: [Int])] = [(h + "mel_conv2d.weight", [ch, 1, c.patchSize, 3 * c.patchSize]), (h + "mel_conv2d.bias", [ch])]
        func bn(_ p: String, _ n: Int) -> [(key: String, shape: [Int])] {
            ["weight", "bias", "running_mean", "running_var"].map { (p + "." + $0, [n]) }
        }
        for (branch, first) in [("local_att", 0), ("global_att", 1)] {
            let b = h + "fusion_model.\(branch)."
            out += [(b + "\(first).weight", [inter, ch, 1, 1]), (b + "\(first).bias", [inter])] + bn(b + "\(first + 1)", inter)
            out += [(b + "\(first + 3).weight", [ch, inter, 1, 1]), (b + "\(first + 3).bias", [ch])] + bn(b + "\(first + 4)", ch)
        }
        return out
    }

    /// The fused patches `[L, C, R, R]` of the longer clips: `patches` their global patches,
    /// `chunks` their three local chunk images `[L, 3, S, S]`.
    func callAsFunction(patches: Tensor, chunks: Tensor) throws -> Tensor {
        let l = chunks.shape[0], s = chunks.shape[2]
        let local = try melConv(chunks.reshape([3 * l, 1, s, s]))  // [3L, C, R, W']
        let (c, r, w) = (local.shape[1], local.shape[2], local.shape[3])
        var x = try local.reshape([l, 3, c, r, w]).permute([0, 2, 3, 1, 4]).reshape([l, c, r, 3 * w])
        let width = patches.shape[3]
        if 3 * w < width {
            x = try Tensor.concat([x, Tensor.zeros([l, c, r, width - 3 * w])], axis: 3)
        } else if 3 * w > width {
            x = try x.slice(axis: 3, start: 0, end: width)
        }
        return try fusion(patches, x.contiguous())
    }
}

extension HTSAT {
    /// The pooled embedding `[B, numFeatures]` of fusion inputs `[B, 4, T, mels]` (T <= 1024),
    /// fusing the local chunks of the clips whose `longer` is true; eval mode, no tape. A tower
    /// without fusion weights refuses.
    public func callAsFunction(fusionMel x: Tensor, longer: [Bool]) throws -> Tensor {
        let c = config
        guard let fusion else {
            throw TensorError.invalidArgument(op: "HTSAT", message: "fusion input needs a fusion tower (patch_embed.mel_conv2d, patch_embed.fusion_model)")
        }
        guard x.rank == 4, x.shape[1] == 4, x.shape[3] == c.melBins, x.shape[2] > 1, x.shape[2] <= c.targetFrames,
              longer.count == x.shape[0] else {
            throw TensorError.shapeMismatch(op: "HTSAT", shapes: [x.shape],
                                            reason: "expected a fusion log-mel [B, 4, T, \(c.melBins)] with 2 <= T <= \(c.targetFrames) and one longer flag per clip (\(longer.count))")
        }
        return try GradMode.withoutGrad {
            let b = x.shape[0]
            // bn0 and reshape_wav2img of each channel: [B, 4, T, F] -> [4B, 1, T, F] -> [B, 4, S, S].
            let images = try image(normalized: bn0(x, channelAxis: 3).reshape([4 * b, 1, x.shape[2], c.melBins]))
                .reshape([b, 4, c.specSize, c.specSize])
            var patches = try patchProjection(images.slice(axis: 1, start: 0, end: 1).contiguous())  // [B, C, R, R]
            let rows = longer.indices.filter { longer[$0] }
            if !rows.isEmpty {
                let fused = try fusion(patches: patches.indexSelect(axis: 0, indices: rows),
                                       chunks: images.indexSelect(axis: 0, indices: rows).slice(axis: 1, start: 1, end: 4).contiguous())
                var parts = try (0..<b).map { try patches.slice(axis: 0, start: $0, end: $0 + 1) }
                for (k, row) in rows.enumerated() { parts[row] = try fused.slice(axis: 0, start: k, end: k + 1) }
                patches = try Tensor.concat(parts, axis: 0)
            }
            return try tower(patches: patches) { block, h in try block(h) }
        }
    }
}
