import Foundation

/// Ctrl-C for the whole process: a SIGINT handler that only raises a flag, and the work loops
/// (the interpreter at every loop iteration and call, the trainer at batch boundaries, the
/// experiment grid between cells, the REPL's line reader) that poll it and stop cleanly, so
/// nothing already computed is lost.
///
/// Two behaviours share the one flag: in the REPL and in scripts every press interrupts the
/// running entry (`install()`); in a long command (`palm experiment`) a second press while the
/// first is still pending exits at once with status 130 (`install(secondPressExits: true)`).
public enum Interrupt {
    /// Nonzero after Ctrl-C until a work loop takes it (`take()`) or it is `clear()`ed.
    ///
    /// `nonisolated(unsafe)`: a signal handler can only reach global state, and a C handler
    /// cannot take part in Swift concurrency; an aligned Int32 store/load is atomic on every
    /// platform Swift runs on, and the worst a race does is delay the interrupt by one check.
    nonisolated(unsafe) public static var flag: Int32 = 0

    /// True when Ctrl-C was pressed and not yet taken.
    public static var requested: Bool { flag != 0 }

    /// Consumes a pending interrupt: true once per press.
    public static func take() -> Bool {
        guard flag != 0 else { return false }
        flag = 0
        return true
    }

    /// Forgets a pending interrupt (a press at the prompt must not stop the next entry).
    public static func clear() { flag = 0 }

    /// Installs the SIGINT handler (idempotent). With `secondPressExits`, a press while one is
    /// still pending ends the process with status 130.
    public static func install(secondPressExits: Bool = false) {
        var action = sigaction()
        let handler: @convention(c) (Int32) -> Void = secondPressExits
            ? { _ in if Interrupt.flag != 0 { _exit(130) }; Interrupt.flag = 1 }
            : { _ in Interrupt.flag = 1 }
        #if os(Linux)
        action.__sigaction_handler.sa_handler = handler
        #else
        action.__sigaction_u.__sa_handler = handler
        #endif
        sigemptyset(&action.sa_mask)
        // SA_RESTART keeps a blocking read (the plain-line REPL) from failing with EINTR.
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
    }
}
