import Crypto
import Foundation

/// HMAC-SHA256 signatures of Jupyter messages: the hex digest of the header, parent header,
/// metadata and content frames, keyed by the connection file's key. With an empty key
/// messages are neither signed nor checked (the protocol's "no authentication").
public struct MessageSigner: Sendable {
    /// The key's bytes (kept as `Data`, which is `Sendable`; `SymmetricKey` is made per use).
    private let keyBytes: Data?

    public init(key: String) {
        keyBytes = key.isEmpty ? nil : Data(key.utf8)
    }

    private var key: SymmetricKey? { keyBytes.map { SymmetricKey(data: $0) } }

    /// Whether messages are signed at all.
    public var isSigning: Bool { keyBytes != nil }

    /// The lowercase hex signature of `frames` ("" when not signing).
    public func signature(_ frames: [Data]) -> String {
        guard let key else { return "" }
        var hmac = HMAC<SHA256>(key: key)
        for f in frames { hmac.update(data: f) }
        return Data(hmac.finalize()).map { String(format: "%02x", $0) }.joined()
    }

    /// True when `signature` is the signature of `frames`. The digests are compared in
    /// constant time (`isValidAuthenticationCode`), so the time taken says nothing about how
    /// much of a forged signature was right.
    public func verify(_ signature: Data, of frames: [Data]) -> Bool {
        guard let key else { return true }
        guard let bytes = Self.hexBytes(signature), bytes.count == SHA256.byteCount else { return false }
        var joined = Data()
        for f in frames { joined.append(f) }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: joined, using: key)
    }

    /// The bytes of an even-length hex string, or nil when it is not one.
    static func hexBytes(_ hex: Data) -> Data? {
        guard hex.count % 2 == 0 else { return nil }
        var out = Data(capacity: hex.count / 2)
        var high: UInt8 = 0
        for (i, c) in hex.enumerated() {
            let v: UInt8
            switch c {
            case 0x30...0x39: v = c - 0x30
            case 0x61...0x66: v = c - 0x61 + 10
            case 0x41...0x46: v = c - 0x41 + 10
            default: return nil
            }
            if i % 2 == 0 { high = v } else { out.append(high << 4 | v) }
        }
        return out
    }
}
