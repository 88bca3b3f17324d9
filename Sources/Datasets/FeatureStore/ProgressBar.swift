import Foundation

/// Progress of a long stage: on a terminal (stderr is a TTY) a bar redrawn in place with the
/// rate and the ETA; otherwise one plain line when the stage starts and one when it ends (logs
/// stay readable, no carriage returns).
///
/// ```
/// embedding ESC50-fold1-train [##########..........]  120/240  35.2 items/s  ETA 0:03
/// ```
/// Lives in Datasets for now; it will move to a shared place when other layers need it.
public final class ProgressBar {
    public let title: String
    public let total: Int
    public let unit: String
    private let isTerminal: Bool
    private let output: (String) -> Void
    private let start = Date()
    private var lastDraw = Date.distantPast
    public private(set) var done = 0

    /// - Parameters:
    ///   - isTerminal: draw the bar; defaults to `isatty(2)`.
    ///   - output: where text goes; defaults to stderr, unbuffered.
    public init(title: String, total: Int, unit: String = "items", isTerminal: Bool = isatty(2) != 0,
                output: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.title = title
        self.total = total
        self.unit = unit
        self.isTerminal = isTerminal
        self.output = output
        if !isTerminal { output("\(title): \(total) \(unit) to do\n") }
    }

    /// Records `n` more done; redraws at most 10 times a second (and always at the end).
    public func advance(by n: Int = 1) {
        done += n
        guard isTerminal else { return }
        let now = Date()
        if now.timeIntervalSince(lastDraw) >= 0.1 || done >= total {
            lastDraw = now
            output("\r" + line(now: now) + "\u{1B}[K")
        }
    }

    /// Ends the stage with a summary (`note` appended, e.g. failure counts).
    public func finish(note: String = "") {
        let seconds = Date().timeIntervalSince(start)
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let summary = "\(title): \(done) \(unit) in \(String(format: "%.2f", seconds)) s (\(String(format: "%.1f", rate)) \(unit)/s)" + note
        output(isTerminal ? "\r" + summary + "\u{1B}[K\n" : summary + "\n")
    }

    /// The bar line: title, bar, count, rate, ETA.
    func line(now: Date) -> String {
        let width = 24
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Self.clock(Double(total - done) / rate) : "?"
        return "\(title) [\(bar)] \(done)/\(total) \(String(format: "%.1f", rate)) \(unit)/s ETA \(eta)"
    }

    /// `m:ss` (or `h:mm:ss`).
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }
}
