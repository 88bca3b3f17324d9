/// How multi-channel audio becomes one sample stream.
public enum ChannelPolicy: String, Codable, Hashable, Sendable, CaseIterable {
    /// Channels one after another: channel 0's frames, then channel 1's, ... This is the PENGI
    /// reference's `reshape(-1)` on torchaudio's `[channels, frames]` tensor (**quirk**: a
    /// stereo clip becomes twice as long, left then right). Each channel is resampled on its
    /// own first, as the reference does.
    case concat
    /// The average of all channels (a mono downmix), resampled once.
    case mean
    /// Channel 0 only.
    case first

    /// Applies the policy to planar channels at the current rate. `concat` keeps channels
    /// separate (they are resampled, then joined by `join`); `mean` and `first` give one.
    func reduce(_ channels: [[Float]]) -> [[Float]] {
        switch self {
        case .concat: return channels
        case .first: return [channels[0]]
        case .mean:
            if channels.count == 1 { return channels }
            let n = channels[0].count
            // Sum in channel order, then divide (torch/numpy `mean`; a reciprocal multiply
            // would differ in the last bit for 3, 5, 6... channels).
            let count = Float(channels.count)
            var out = [Float](repeating: 0, count: n)
            for ch in channels { for i in 0..<n { out[i] += ch[i] } }
            for i in 0..<n { out[i] /= count }
            return [out]
        }
    }

    /// Concatenates the (resampled) channels in order.
    func join(_ channels: [[Float]]) -> [Float] {
        if channels.count == 1 { return channels[0] }
        var out = [Float]()
        out.reserveCapacity(channels.reduce(0) { $0 + $1.count })
        for c in channels { out.append(contentsOf: c) }
        return out
    }
}
