import Foundation

/// Set to nonzero by the SIGINT handler; the interpreter checks it at every loop iteration and
/// call and raises an "interrupted" error, so Ctrl-C returns to the REPL prompt with every
/// variable intact.
///
/// `nonisolated(unsafe)` because a signal handler can only reach global state, and a C
/// handler cannot take part in Swift concurrency; an aligned Int32 store/load is atomic on
/// every platform Swift runs on, and the worst a race does is delay the interrupt by one check.
nonisolated(unsafe) public var scriptInterruptRequested: Int32 = 0

/// Installs the SIGINT handler that sets `scriptInterruptRequested` (idempotent).
public func installInterruptHandler() {
    var action = sigaction()
    #if os(Linux)
    action.__sigaction_handler.sa_handler = { _ in scriptInterruptRequested = 1 }
    #else
    action.__sigaction_u.__sa_handler = { _ in scriptInterruptRequested = 1 }
    #endif
    sigemptyset(&action.sa_mask)
    // SA_RESTART keeps a blocking read (plain-line REPL) from failing with EINTR.
    action.sa_flags = SA_RESTART
    sigaction(SIGINT, &action, nil)
}
