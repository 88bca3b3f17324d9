import CZMQ
import Foundation

/// A ZeroMQ failure, with the operation and libzmq's message.
public struct ZMQError: Error, CustomStringConvertible {
    public let description: String

    /// The error of the last libzmq call (`errno`), for `operation`.
    static func last(_ operation: String) -> ZMQError {
        ZMQError(description: "\(operation): \(String(cString: zmq_strerror(zmq_errno())))")
    }
}

/// A libzmq context: owns the I/O threads every socket of the kernel shares.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    public init() throws {
        guard let h = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        handle = h
    }

    deinit { zmq_ctx_term(handle) }
}

/// One ZeroMQ socket, sending and receiving multipart messages (a list of frames).
///
/// A libzmq socket must not be used by two threads at once; the kernel gives each socket to
/// one thread, except iopub, which `IOPubChannel` guards with a lock (a lock is also the full
/// memory barrier libzmq asks for when a socket changes threads).
public final class ZMQSocket: @unchecked Sendable {
    /// The socket types the kernel uses.
    public enum Kind {
        case router, publisher, reply

        var raw: Int32 {
            switch self {
            case .router: return ZMQ_ROUTER
            case .publisher: return ZMQ_PUB
            case .reply: return ZMQ_REP
            }
        }
    }

    let handle: UnsafeMutableRawPointer
    /// The context must outlive the socket.
    private let context: ZMQContext
    private var closed = false

    public init(_ context: ZMQContext, _ kind: Kind) throws {
        guard let h = zmq_socket(context.handle, kind.raw) else { throw ZMQError.last("zmq_socket") }
        handle = h
        self.context = context
        // Unsent messages are given up to a second at close (a reply sent just before exit).
        var linger: Int32 = 1000
        zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
    }

    deinit { close() }

    /// Closes the socket (idempotent).
    public func close() {
        guard !closed else { return }
        closed = true
        zmq_close(handle)
    }

    /// Binds to `endpoint` (`tcp://127.0.0.1:5555`).
    public func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError.last("bind \(endpoint)") }
    }

    /// Sends `frames` as one multipart message.
    public func send(_ frames: [Data]) throws {
        for (i, frame) in frames.enumerated() {
            let flags = i + 1 < frames.count ? ZMQ_SNDMORE : 0
            let status = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            guard status >= 0 else { throw ZMQError.last("zmq_send") }
        }
    }

    /// Receives one multipart message, waiting for it; retries when a signal (Ctrl-C)
    /// interrupts the wait.
    public func receive() throws -> [Data] {
        var frames: [Data] = []
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            var size: Int32 = -1
            repeat {
                size = zmq_msg_recv(&message, handle, 0)
            } while size < 0 && zmq_errno() == EINTR
            guard size >= 0 else { throw ZMQError.last("zmq_msg_recv") }
            frames.append(Data(bytes: zmq_msg_data(&message), count: zmq_msg_size(&message)))
            guard zmq_msg_more(&message) != 0 else { return frames }
        }
    }
}
