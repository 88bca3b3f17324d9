import Foundation
import Support

/// One Jupyter message as it travels over ZeroMQ: the routing identities, the `<IDS|MSG>`
/// delimiter, the HMAC signature, then four JSON frames (header, parent header, metadata,
/// content) and any binary buffers.
public struct WireMessage: Sendable {
    public var identities: [Data]
    public var header: JSONValue
    public var parentHeader: JSONValue
    public var metadata: JSONValue
    public var content: JSONValue
    public var buffers: [Data]

    /// The protocol version palm speaks (in every header and in `kernel_info_reply`).
    public static let protocolVersion = "5.3"
    static let delimiter = Data("<IDS|MSG>".utf8)

    /// The message type (`execute_request`, `status`, ...).
    public var type: String { header["msg_type"]?.stringValue ?? "" }

    public init(identities: [Data] = [], header: JSONValue, parentHeader: JSONValue = [:], metadata: JSONValue = [:],
                content: JSONValue, buffers: [Data] = []) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
        self.buffers = buffers
    }

    /// Why frames were not accepted as a message.
    public enum DecodingError: Error, CustomStringConvertible {
        /// No delimiter, too few frames, or a frame that is not JSON.
        case malformed(String)
        /// The signature does not match the frames: the message was not made with the key.
        case badSignature(type: String)

        public var description: String {
            switch self {
            case let .malformed(why): return "malformed message: \(why)"
            case let .badSignature(type): return "refused a message with a bad signature (msg_type '\(type)'): not executed"
            }
        }
    }

    /// Parses `frames`, checking the signature with `signer` before any JSON is read.
    public static func decode(_ frames: [Data], signer: MessageSigner) throws -> WireMessage {
        guard let d = frames.firstIndex(of: delimiter) else { throw DecodingError.malformed("no <IDS|MSG> delimiter") }
        guard frames.count >= d + 6 else { throw DecodingError.malformed("\(frames.count - d - 1) frames after the delimiter, 5 needed") }
        let parts = Array(frames[(d + 2)..<(d + 6)])
        guard signer.verify(frames[d + 1], of: parts) else {
            // The type is read only to name the message in the log; nothing else of it is used.
            let type = (try? JSONValue.parse(parts[0], what: "header"))?["msg_type"]?.stringValue ?? "?"
            throw DecodingError.badSignature(type: type)
        }
        func json(_ i: Int, _ name: String) throws -> JSONValue {
            do { return try JSONValue.parse(parts[i], what: name) } catch { throw DecodingError.malformed("\(error)") }
        }
        return WireMessage(identities: Array(frames[..<d]), header: try json(0, "header"), parentHeader: try json(1, "parent header"),
                           metadata: try json(2, "metadata"), content: try json(3, "content"), buffers: Array(frames[(d + 6)...]))
    }

    /// The frames to send, signed with `signer`.
    public func encode(signer: MessageSigner) -> [Data] {
        let parts = [header.encoded(), parentHeader.encoded(), metadata.encoded(), content.encoded()]
        return identities + [Self.delimiter, Data(signer.signature(parts).utf8)] + parts + buffers
    }

    /// A fresh header for a message of `type` in `session`.
    public static func header(type: String, session: String, username: String = "palm") -> JSONValue {
        [
            "msg_id": .string(UUID().uuidString.lowercased()),
            "session": .string(session),
            "username": .string(username),
            "date": .string(Self.timestamp()),
            "msg_type": .string(type),
            "version": .string(protocolVersion),
        ]
    }

    /// ISO 8601 UTC with microseconds, as Jupyter writes dates.
    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
