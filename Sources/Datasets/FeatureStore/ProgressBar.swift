import Foundation

/// Progress of a long stage: on a terminal (stderr is a TTY) a bar redrawn in place with the
/// rate, the ETA and the elapsed time; otherwise one plain line when the stage starts and one
/// when it ends (logs stay readable, no carriage returns).
///
/// ```
/// embedding ESC50-fold1-train [##########..........]  120/240  35.2 items/s  ETA 0:03  (0:04)
/// ```
///
/// A bar made with `quietFor` stays silent for that long and prints nothing at all when the
/// stage finishes sooner, so quick commands keep a clean stderr; past it, a terminal's bar is
/// redrawn every half second even between `advance` calls (one long item, a 10-minute file
/// going through an encoder, still shows it is alive), and elsewhere the start line appears.
/// `PALM_PROGRESS_AFTER` (seconds) overrides `quietFor` for every such bar; 0 shows them at once.
/// `report(_:)` adds a line about the item just done (a grid cell's accuracy): a line of its
/// own in a log, the text after the bar on a terminal. Everything goes to stderr, so stdout
/// holds only results. A bar made with `inPlace` hands each redrawn line to it instead (a
/// notebook kernel shows the line updated in place), as a terminal's bar but without control
/// characters. Lives in Datasets, below every layer that shows progress.
public final class ProgressBar: @unchecked Sendable {
    public let title: String
    public let total: Int
    public let unit: String
    private let isTerminal: Bool
    private let output: (String) -> Void
    /// Receives each whole line (`final` on the summary) in place of `output`'s redraws.
    private let inPlace: ((_ line: String, _ final: Bool) -> Void)?
    private let start = Date()
    // `done`, `lastDraw`, `shown` and `timer` are shared with the timer's queue: under `lock`.
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var shown = false
    private var finished = false
    private var timer: DispatchSourceTimer?
    private var count = 0
    /// The latest `report(_:)` text, shown after the bar on a terminal.
    private var status = ""
    /// Items done so far.
    public var done: Int { lock.withLock { count } }

    /// Seconds a quiet bar waits before showing itself: `PALM_PROGRESS_AFTER` when set, else
    /// `requested`.
    public static func quietTime(_ requested: TimeInterval) -> TimeInterval {
        ProcessInfo.processInfo.environment["PALM_PROGRESS_AFTER"].flatMap { TimeInterval($0) }.map { max(0, $0) } ?? requested
    }

    /// - Parameters:
    ///   - quietFor: seconds before anything is shown (0: at once, the start line included);
    ///     see the type's documentation.
    ///   - isTerminal: draw the bar; defaults to `isatty(2)`.
    ///   - output: where text goes; defaults to stderr, unbuffered.
    ///   - inPlace: when given, receives every redrawn line (and the summary, `final`) in
    ///     place of `output`, drawn as on a terminal.
    public init(title: String, total: Int, unit: String = "items", quietFor: TimeInterval = 0, isTerminal: Bool = isatty(2) != 0,
                output: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) },
                inPlace: ((_ line: String, _ final: Bool) -> Void)? = nil) {
        self.title = title
        self.total = total
        self.unit = unit
        self.isTerminal = isTerminal || inPlace != nil
        self.output = output
        self.inPlace = inPlace
        let wait = quietFor > 0 ? Self.quietTime(quietFor) : 0
        if wait <= 0 {
            shown = true
            if !self.isTerminal { output("\(title): \(total) \(unit) to do\n") }
            return
        }
        let t = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        // A terminal's bar ticks (the elapsed time moves); a log gets its one start line.
        t.schedule(deadline: .now() + wait, repeating: self.isTerminal ? 0.5 : .infinity)
        t.setEventHandler { [weak self] in self?.tick() }
        timer = t
        t.resume()
    }

    deinit { timer?.cancel() }

    /// Runs `work` (`total` items done in one call) behind a bar that stays quiet for
    /// `quietFor` seconds: nothing is printed when it ends sooner; otherwise the bar (or the
    /// start line) shows while it runs and the summary when it ends, or ends with ", stopped"
    /// when it throws. `isTerminal`, `output` and `inPlace` as for `init`.
    public static func whileRunning<T>(_ title: String, total: Int, unit: String, quietFor: TimeInterval = 3,
                                       isTerminal: Bool = isatty(2) != 0,
                                       output: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) },
                                       inPlace: ((_ line: String, _ final: Bool) -> Void)? = nil,
                                       _ work: () throws -> T) rethrows -> T {
        let bar = ProgressBar(title: title, total: total, unit: unit, quietFor: quietFor, isTerminal: isTerminal, output: output,
                              inPlace: inPlace)
        let result: T
        do { result = try work() } catch { bar.finish(note: ", stopped"); throw error }
        bar.advance(by: total)
        bar.finish()
        return result
    }

    /// Records `n` more done; redraws at most 10 times a second (and always at the end).
    public func advance(by n: Int = 1) {
        lock.withLock {
            count += n
            guard isTerminal, shown else { return }
            let now = Date()
            if now.timeIntervalSince(lastDraw) >= 0.1 || count >= total {
                lastDraw = now
                redraw(line(now: now))
            }
        }
    }

    /// A line about the item just done: written as a line of its own when the output is not a
    /// terminal; on a terminal it becomes the text after the bar, shown from the next redraw
    /// (`advance`) until the next report.
    public func report(_ text: String) {
        lock.withLock {
            if isTerminal { status = text } else { output(text + "\n") }
        }
    }

    /// The quiet time is over, or half a second has passed on a terminal.
    private func tick() {
        lock.withLock {
            guard !finished else { return }
            if !shown {
                shown = true
                if !isTerminal { output("\(title): \(total) \(unit) to do\n") }
            }
            if isTerminal {
                lastDraw = Date()
                redraw(line(now: lastDraw))
            }
        }
    }

    /// Ends the stage with a summary (`note` appended, e.g. failure counts); a quiet bar that
    /// never showed itself prints nothing.
    public func finish(note: String = "") {
        lock.withLock {
            finished = true
            timer?.cancel()
            timer = nil
            guard shown else { return }
            let seconds = Date().timeIntervalSince(start)
            let rate = seconds > 0 ? Double(count) / seconds : 0
            let summary = "\(title): \(count) \(unit) in \(String(format: "%.2f", seconds)) s (\(String(format: "%.1f", rate)) \(unit)/s)" + note
            if let inPlace { inPlace(summary, true) } else { output(isTerminal ? "\r" + summary + "\u{1B}[K\n" : summary + "\n") }
        }
    }

    /// Draws the bar's line over the previous one.
    private func redraw(_ line: String) {
        if let inPlace { inPlace(line, false) } else { output("\r" + line + "\u{1B}[K") }
    }

    /// The bar line: title, bar, count, rate, ETA, elapsed time, the latest report; cut to the
    /// terminal's width (a wrapped line would defeat the carriage return).
    func line(now: Date) -> String {
        let full = bar(now: now) + (status.isEmpty ? "" : "  " + status)
        let width = inPlace == nil ? Self.terminalColumns() : 0
        return width > 1 && full.count >= width ? String(full.prefix(width - 2)) + "…" : full
    }

    /// The columns of the terminal on stderr, or 0 when unknown.
    static func terminalColumns() -> Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0 else { return 0 }
        return Int(size.ws_col)
    }

    /// Title, bar, count, rate, ETA and elapsed time.
    private func bar(now: Date) -> String {
        let width = 24
        let fraction = total > 0 ? min(1, Double(count) / Double(total)) : 1
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(count) / elapsed : 0
        let eta = rate > 0 ? Self.clock(Double(total - count) / rate) : "?"
        return "\(title) [\(bar)] \(count)/\(total) \(String(format: "%.1f", rate)) \(unit)/s ETA \(eta) (\(Self.clock(elapsed)))"
    }

    /// `m:ss` (or `h:mm:ss`).
    public static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }
}
