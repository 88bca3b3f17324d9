import Foundation
import Support

/// The iopub socket: what the kernel broadcasts (status, cell input, output, errors). Cells
/// publish from the shell thread (and progress bars from their timer), control requests from
/// the control thread, so every send holds a lock.
final class IOPubChannel: CellOutputSink, @unchecked Sendable {
    private let socket: ZMQSocket
    private let signer: MessageSigner
    private let session: String
    private let lock = NSLock()
    private let log: @Sendable (String) -> Void

    init(socket: ZMQSocket, signer: MessageSigner, session: String, log: @escaping @Sendable (String) -> Void) {
        self.socket = socket
        self.signer = signer
        self.session = session
        self.log = log
    }

    /// Publishes a message of `type` with `content`, as a child of the request `parent` (its
    /// header).
    func publish(_ type: String, _ content: JSONValue, parent: JSONValue) {
        let message = WireMessage(identities: [Data("kernel.palm.\(type)".utf8)], header: WireMessage.header(type: type, session: session),
                                  parentHeader: parent, content: content)
        let frames = message.encode(signer: signer)
        lock.withLock {
            do { try socket.send(frames) } catch { log("cannot publish \(type): \(error)") }
        }
    }

    /// `status` with `execution_state` busy, idle or starting.
    func status(_ state: String, parent: JSONValue) {
        publish("status", ["execution_state": .string(state)], parent: parent)
    }
}
