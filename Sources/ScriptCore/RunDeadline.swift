import Foundation
import Support

/// The wall-clock budget of one top-level run (`Interpreter.timeLimit`, `palm run
/// --max-seconds`). At the deadline a timer raises the Ctrl-C flag, so everything that already
/// stops cleanly on Ctrl-C stops: the interpreter at its next loop iteration or call, and
/// built-ins between batches (`fit` at a batch boundary, `experiment` between cells). The
/// interpreter then reports the run's "interrupted" error as the time limit it was.
final class RunDeadline: @unchecked Sendable {
    /// The budget, in seconds.
    let seconds: Double
    private let lock = NSLock()
    private let timer: DispatchSourceTimer
    // Under `lock`: whether the run still goes on, and whether the deadline passed while it did.
    private var active = true
    private var expired = false

    /// Starts the clock.
    init(seconds: Double) {
        self.seconds = seconds
        timer = DispatchSource.makeTimerSource(queue: .global(qos: .userInitiated))
        timer.schedule(deadline: .now() + seconds)
        timer.setEventHandler { [weak self] in self?.fire() }
        timer.resume()
    }

    deinit { timer.cancel() }

    private func fire() {
        lock.withLock {
            guard active else { return }
            expired = true
            Interrupt.flag = 1
        }
    }

    /// True when the deadline passed while the run went on.
    var hasExpired: Bool { lock.withLock { expired } }

    /// The run is over: the clock stops, and a Ctrl-C flag the deadline raised that nothing
    /// took is withdrawn, so it cannot stop the next run.
    func end() {
        lock.withLock {
            active = false
            timer.cancel()
            if expired { Interrupt.clear() }
        }
    }

    /// The error a run stopped by its deadline ends with, at the place it stopped (`stopped`'s
    /// location and call stack).
    func error(replacing stopped: ScriptError) -> ScriptError {
        var e = stopped
        e.kind = .runtime
        e.message = "time limit of \(Self.text(seconds)) s exceeded (the run took longer than --max-seconds allows)"
        return e
    }

    /// `2`, `0.5`: seconds as typed.
    static func text(_ seconds: Double) -> String {
        seconds == seconds.rounded() && seconds < 1e15 ? String(Int(seconds)) : String(seconds)
    }
}
