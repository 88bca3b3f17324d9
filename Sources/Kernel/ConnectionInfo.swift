import Foundation
import Support

/// The connection file Jupyter writes before it starts a kernel: where each socket listens
/// and the key messages are signed with.
public struct ConnectionInfo: Sendable {
    public var transport: String
    public var ip: String
    public var shellPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var controlPort: Int
    public var heartbeatPort: Int
    /// The HMAC key (empty: messages are not signed).
    public var key: String
    /// `hmac-sha256` (the only scheme palm speaks).
    public var signatureScheme: String

    /// Reads the connection file at `path`; errors name the file and the missing or wrong field.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KernelError("cannot read the connection file \(path)")
        }
        let json = try JSONValue.parse(data, what: "connection file \(path)")
        func port(_ name: String) throws -> Int {
            guard let p = json[name]?.intValue, p >= 0, p < 65536 else {
                throw KernelError("connection file \(path): '\(name)' must be a port number")
            }
            return p
        }
        transport = json["transport"]?.stringValue ?? "tcp"
        ip = json["ip"]?.stringValue ?? "127.0.0.1"
        shellPort = try port("shell_port")
        iopubPort = try port("iopub_port")
        stdinPort = try port("stdin_port")
        controlPort = try port("control_port")
        heartbeatPort = try port("hb_port")
        key = json["key"]?.stringValue ?? ""
        signatureScheme = json["signature_scheme"]?.stringValue ?? "hmac-sha256"
        guard signatureScheme == "hmac-sha256" else {
            throw KernelError("connection file \(path): signature_scheme '\(signatureScheme)' is not supported (palm signs with hmac-sha256)")
        }
    }

    /// The endpoint of `port`: `tcp://IP:PORT`, or `ipc://IP-PORT` for the ipc transport.
    public func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "\(transport)://\(ip):\(port)"
    }
}

/// A failure of the kernel (its connection file, a socket), with what failed.
public struct KernelError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
