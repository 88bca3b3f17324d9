import Foundation
import ScriptCore
import Support

/// A running Jupyter kernel (messaging protocol 5.3): binds the five sockets of a connection
/// file and serves them until a `shutdown_request`.
///
/// Threads: the caller's thread reads the shell socket and runs cells there (through the
/// interpreter's own script thread), so a long cell holds up only the shell; a second thread
/// reads the control socket, so an `interrupt_request` arrives while a cell runs and raises
/// the Ctrl-C flag (`Interrupt`), which stops `fit` at its next batch boundary and the
/// interpreter at its next loop iteration or call, every variable kept; a third echoes
/// heartbeats. SIGINT does the same as an `interrupt_request`.
///
/// Every incoming message's signature is checked before anything of it is used; a message
/// with a bad signature is refused (logged, not answered, not run).
public final class KernelSession: @unchecked Sendable {
    let connection: ConnectionInfo
    let signer: MessageSigner
    /// This kernel's session id (in every header it sends).
    let session = UUID().uuidString.lowercased()
    private let context: ZMQContext
    private let shell: ZMQSocket
    private let control: ZMQSocket
    private let stdin: ZMQSocket
    private let heartbeat: ZMQSocket
    let iopub: IOPubChannel
    let runner: CellRunner
    private let logSink: @Sendable (String) -> Void

    /// Binds every socket of `connection`; cells run in `interpreter`. `log` receives the
    /// kernel's own messages (start-up, refused messages, socket errors): stderr by default.
    public init(connection: ConnectionInfo, interpreter: Interpreter,
                log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data("palm kernel: \($0)\n".utf8)) }) throws {
        self.connection = connection
        signer = MessageSigner(key: connection.key)
        logSink = log
        context = try ZMQContext()
        shell = try ZMQSocket(context, .router)
        control = try ZMQSocket(context, .router)
        stdin = try ZMQSocket(context, .router)
        heartbeat = try ZMQSocket(context, .reply)
        let publisher = try ZMQSocket(context, .publisher)
        try shell.bind(connection.endpoint(connection.shellPort))
        try control.bind(connection.endpoint(connection.controlPort))
        try stdin.bind(connection.endpoint(connection.stdinPort))
        try heartbeat.bind(connection.endpoint(connection.heartbeatPort))
        try publisher.bind(connection.endpoint(connection.iopubPort))
        iopub = IOPubChannel(socket: publisher, signer: signer, session: session, log: log)
        runner = CellRunner(interpreter: interpreter, iopub: iopub)
    }

    func log(_ text: String) { logSink(text) }

    /// Serves requests until shutdown; does not return (a shutdown ends the process).
    public func run() -> Never {
        Interrupt.install()
        log("listening on \(connection.endpoint(connection.shellPort)) (shell), signatures \(signer.isSigning ? "checked" : "off")")
        iopub.status("starting", parent: [:])
        Thread.detachNewThread { [self] in echoHeartbeats() }
        Thread.detachNewThread { [self] in exitWithParent() }
        Thread.detachNewThread { [self] in serve(control, name: "control") }
        serve(shell, name: "shell")
        exit(0)
    }

    /// The heartbeat: every message comes straight back.
    private func echoHeartbeats() {
        while true {
            do { try heartbeat.send(try heartbeat.receive()) } catch { log("heartbeat: \(error)"); return }
        }
    }

    /// Ends the kernel when the Jupyter process that started it is gone, so a crashed or
    /// killed server leaves no kernel behind. Jupyter sets `JPY_PARENT_PID` for its kernels;
    /// without it (a kernel started by hand) this returns at once. The parent is the process
    /// that started palm (Jupyter, or a wrapper it ran): the kernel leaves when it is adopted
    /// by another, or was already adopted by init before this thread ran.
    private func exitWithParent() {
        guard ProcessInfo.processInfo.environment["JPY_PARENT_PID"] != nil else { return }
        let parent = getppid()
        while parent != 1, getppid() == parent { sleep(1) }
        log("the Jupyter process \(parent == 1 ? "" : "\(parent) ")that started this kernel is gone; exiting")
        exit(0)
    }

    /// Reads `socket` and answers each request on it, busy/idle around each.
    private func serve(_ socket: ZMQSocket, name: String) {
        while true {
            let frames: [Data]
            do { frames = try socket.receive() } catch { log("\(name): \(error)"); return }
            let request: WireMessage
            do {
                request = try WireMessage.decode(frames, signer: signer)
            } catch {
                log("\(name): \(error)")
                continue
            }
            iopub.status("busy", parent: request.header)
            if let (type, content) = handle(request) { reply(to: request, on: socket, type: type, content: content) }
            iopub.status("idle", parent: request.header)
            if request.type == "shutdown_request" { shutDown() }
        }
    }

    /// Sends a reply of `type` to `request` on `socket`.
    func reply(to request: WireMessage, on socket: ZMQSocket, type: String, content: JSONValue) {
        let message = WireMessage(identities: request.identities, header: WireMessage.header(type: type, session: session),
                                  parentHeader: request.header, content: content)
        // Only the thread serving `socket` replies on it.
        do {
            try socket.send(message.encode(signer: signer))
        } catch {
            log("cannot send \(type): \(error)")
        }
    }

    /// Ends the process once the last messages had time to leave (libzmq sends from its own
    /// I/O thread; `exit` does not wait for it).
    private func shutDown() -> Never {
        log("shutting down")
        usleep(200_000)
        exit(0)
    }
}
