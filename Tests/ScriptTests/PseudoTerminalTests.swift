// Linux only: it drives glibc's pty and posix_spawn (POSIX_SPAWN_SETSID) directly.
#if os(Linux)
import Foundation
import XCTest
import Glibc

/// The readline REPL on a real pseudo-terminal (Glibc `posix_openpt`, no Python or `script`):
/// `palm-repl-test` (which calls `runREPL` like the `palm` executable) runs as the session
/// leader of a new terminal, and the test types at it: tab completion, multi-line input, an
/// error followed by use of an earlier variable, Ctrl-C during a long loop and at the prompt,
/// and history recalled with the up arrow after a restart.
///
/// Waiting is by reading until an expected text appears, with a generous deadline that only
/// turns a hang into a failure; nothing asserts on time.
final class PseudoTerminalTests: XCTestCase {
    // The pty functions live in glibc but the Swift Glibc module hides them (they sit behind
    // _XOPEN_SOURCE), so they are looked up by name.
    static func libc<T>(_ name: String, as: T.Type) -> T? {
        guard let p = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(p, to: T.self)
    }
    static let posix_openpt = libc("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
    static let grantpt = libc("grantpt", as: (@convention(c) (Int32) -> Int32).self)
    static let unlockpt = libc("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
    static let ptsname = libc("ptsname", as: (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self)

    /// A child process on the master side of a pty.
    final class Terminal {
        let master: Int32
        let pid: pid_t
        var buffer = ""
        var transcript = ""

        init(executable: String, environment: [String: String]) throws {
            guard let openpt = PseudoTerminalTests.posix_openpt, let grant = PseudoTerminalTests.grantpt,
                  let unlock = PseudoTerminalTests.unlockpt, let ptsname = PseudoTerminalTests.ptsname else {
                throw XCTSkip("the C library has no posix_openpt")
            }
            master = openpt(O_RDWR | O_NOCTTY)
            guard master >= 0, grant(master) == 0, unlock(master) == 0, let name = ptsname(master) else {
                throw XCTSkip("no pseudo-terminals available")
            }
            let slave = String(cString: name)
            _ = fcntl(master, F_SETFD, FD_CLOEXEC)
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            // After setsid, opening the slave makes it the child's controlling terminal, so a
            // typed ^C becomes SIGINT for the child.
            posix_spawn_file_actions_addopen(&actions, 0, slave, O_RDWR, 0)
            posix_spawn_file_actions_adddup2(&actions, 0, 1)
            posix_spawn_file_actions_adddup2(&actions, 0, 2)
            var attr = posix_spawnattr_t()
            posix_spawnattr_init(&attr)
            defer { posix_spawnattr_destroy(&attr) }
            var empty = sigset_t(), defaults = sigset_t()
            sigemptyset(&empty)
            sigemptyset(&defaults)
            sigaddset(&defaults, SIGINT)
            posix_spawnattr_setsigmask(&attr, &empty)
            posix_spawnattr_setsigdefault(&attr, &defaults)
            // POSIX_SPAWN_SETSID is 0x80 in glibc; the Swift Glibc module does not export it.
            let setsid: Int32 = 0x80
            posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | setsid))
            let env = environment.map { "\($0.key)=\($0.value)" }
            let argv: [UnsafeMutablePointer<CChar>?] = [strdup(executable), nil]
            let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
            var child = pid_t()
            let rc = posix_spawn(&child, executable, &actions, &attr, argv, envp)
            guard rc == 0 else { throw NSError(domain: "posix_spawn", code: Int(rc)) }
            pid = child
        }

        func send(_ text: String) {
            _ = text.withCString { write(master, $0, strlen($0)) }
        }

        /// Reads until `text` appears (consuming through it); false after `deadline` seconds.
        @discardableResult
        func expect(_ text: String, deadline: Double = 30) -> Bool {
            let end = Date().addingTimeInterval(deadline)
            while Date() < end {
                if let r = buffer.range(of: text) {
                    buffer.removeSubrange(..<r.upperBound)
                    return true
                }
                var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                guard poll(&fds, 1, 100) >= 0 else { return false }
                if fds.revents & Int16(POLLIN) != 0 {
                    var bytes = [UInt8](repeating: 0, count: 4096)
                    let n = read(master, &bytes, bytes.count)
                    if n <= 0 { return buffer.contains(text) }
                    let chunk = String(decoding: bytes[0..<n], as: UTF8.self)
                    buffer += chunk
                    transcript += chunk
                } else if fds.revents & Int16(POLLHUP) != 0 {
                    return false
                }
            }
            return false
        }

        /// `expect`, failing the test with the transcript so far when `text` never comes.
        func check(_ text: String, _ what: String, file: StaticString, line: UInt) {
            if !expect(text) {
                XCTFail("\(what): never saw \(text.debugDescription); transcript:\n\(transcript)", file: file, line: line)
            }
        }

        /// Waits for the child to exit; returns its exit status.
        func wait() -> Int32 {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            close(master)
            return (status >> 8) & 0xff
        }

        func kill() {
            Glibc.kill(pid, SIGKILL)
            _ = wait()
        }
    }

    /// The test host sits next to the test bundle in the build directory.
    func hostPath() throws -> String {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [dir, dir.deletingLastPathComponent()].map { $0.appendingPathComponent("palm-repl-test").path }
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            XCTFail("palm-repl-test not built (looked in \(candidates)); run `swift build --build-tests` first")
            throw XCTSkip("no host")
        }
        return path
    }

    func testReadlineSession() throws {
        let host = try hostPath()
        let history = FileManager.default.temporaryDirectory.appendingPathComponent("palm-pty-history-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: history) }
        let env = ["PALM_HISTORY": history, "TERM": "dumb", "COLUMNS": "200", "LINES": "50", "HOME": NSTemporaryDirectory()]

        let t = try Terminal(executable: host, environment: env)
        func check(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
            t.check(text, what, file: file, line: line)
        }
        check("palm> ", "first prompt")
        t.send("zer\t(3)\n")
        check("tensor([0, 0, 0])", "tab completion of a name")
        t.send("v = ones(2)\n")
        t.send("v.su\t()\n")
        check("tensor(2)", "tab completion of a method after '.'")
        t.send("v.sum(ke\ttrue)\n")
        check("tensor([2])", "tab completion of a keyword argument")
        t.send("fn g(x) {\n")
        check("...", "continuation prompt")
        t.send("x * 3\n}\n")
        t.send("g(4)\n")
        check("12", "multi-line function")
        t.send("y = 7\n")
        t.send("y + nope\n")
        check("unknown name 'nope'", "error")
        t.send("y * 2\n")
        check("14", "variable survives the error")
        t.send("i = 0\n")
        t.send("while true { i += 1; if i == 1 { print(\"loop\" + \"ing\") } }\n")
        check("looping", "the loop runs")  // (not in the echo: "loop" + "ing"); ^C then surely lands in the loop
        t.send("\u{03}")
        check("interrupted", "Ctrl-C stops the loop")
        // Output the echo cannot contain ("true" alone would match the loop's own echo and not
        // wait for this entry), then the prompt, so the next keys reach readline, not the driver.
        t.send("print(\"intact\", i > 0)\n")
        check("intact true", "variables intact after Ctrl-C")
        check("palm> ", "the prompt after the entry")
        // Wait for each step to show: on ^C the terminal driver flushes input not yet read, so
        // text sent right behind it could be lost (a race of the test, not of a person typing).
        t.send("abandoned")
        check("abandoned", "typed text echoed")
        t.send("\u{03}")
        check("palm> ", "a fresh prompt after Ctrl-C at the prompt")
        t.send("40 + 2\n")
        check("42", "Ctrl-C at the prompt drops the typed line")
        t.send("99 + 1\n")
        check("100", "last entry")
        t.send(":quit\n")
        let status = t.wait()
        XCTAssertEqual(status, 0)

        let saved = (try? String(contentsOfFile: history, encoding: .utf8)) ?? ""
        XCTAssertTrue(saved.contains("fn g(x) {\nx * 3\n}\n"), saved)
        XCTAssertTrue(saved.hasSuffix("99 + 1\n:quit\n"), saved)

        // A new session recalls the history: up, up = "99 + 1".
        let t2 = try Terminal(executable: host, environment: env)
        if !t2.expect("palm> ") { XCTFail("second session prompt; transcript:\n\(t2.transcript)") }
        t2.send("\u{1b}[A\u{1b}[A\n")
        if !t2.expect("100") { XCTFail("history recall; transcript:\n\(t2.transcript)") }
        t2.send(":quit\n")
        XCTAssertEqual(t2.wait(), 0)
    }

    /// Ctrl-C while `fit` trains (on a tiny random PENGI) stops it at a batch boundary: the
    /// REPL reports the interruption and the learner keeps what it learned.
    func testCtrlCDuringFitKeepsTheLearner() throws {
        ScriptFixtures.prepare()
        let host = try hostPath()
        let env = ["PALM_HISTORY": "/dev/null", "TERM": "dumb", "COLUMNS": "200", "LINES": "50", "HOME": NSTemporaryDirectory(),
                   "PALM_CACHE": ScriptFixtures.root + "/cache"]
        let t = try Terminal(executable: host, environment: env)
        func check(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
            t.check(text, what, file: file, line: line)
        }
        check("palm> ", "first prompt")
        t.send("m = pengi_random(); train = features(m, dataset(\"folder\", \"\(ScriptFixtures.root)/data\").split().train)\n")
        check("palm> ", "features embedded")
        t.send("l = palm(m, train); z0 = l.tensors[\"ctx\"].sum().item(); print(\"rea\" + \"dy\")\n")
        check("ready", "learner made")
        t.send("fit(l, train, epochs: 100000000, batch: 1)\n")
        check("fit palm [", "progress bar")
        t.send("\u{03}")
        check("interrupted: training stopped after", "fit interrupted")
        t.send("print(l.tensors[\"ctx\"].sum().item() != z0, l.params)\n")
        check("true 75", "the learner kept what it learned")
        t.send(":quit\n")
        XCTAssertEqual(t.wait(), 0)
    }
}
#endif
