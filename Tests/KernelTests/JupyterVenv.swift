import Foundation
import TestSupport
import XCTest

/// The Python environment the client tests drive the kernel from: a venv holding
/// `jupyter_client`, `nbclient` and `nbformat` from PyPI (pyzmq comes with jupyter_client), made
/// once under the palm cache and reused (`~/.cache/palm/jupyter-venv`; `$PALM_JUPYTER_VENV`
/// moves it). palm itself needs none of it. A `ready` file marks a finished install, so an
/// interrupted one is redone; a lock file keeps two test processes from building it at once.
enum JupyterVenv {
    /// The packages the driver imports.
    static let packages = ["jupyter_client>=8.6", "nbclient>=0.10", "nbformat>=5.10"]

    /// The venv's folder. Not `$PALM_CACHE`: other test classes point it at temporary folders
    /// in this same process, which would rebuild the venv on every run.
    static var directory: String {
        if let d = ProcessInfo.processInfo.environment["PALM_JUPYTER_VENV"], !d.isEmpty { return (d as NSString).expandingTildeInPath }
        return NSHomeDirectory() + "/.cache/palm/jupyter-venv"
    }

    /// The venv's Python, making the venv first when needed. Skips the test when PyPI cannot
    /// be reached (the only reason to skip); any other failure fails it.
    static func python() throws -> String {
        let dir = directory, python = dir + "/bin/python"
        if FileManager.default.fileExists(atPath: dir + "/ready") { return python }
        try FileManager.default.createDirectory(atPath: (dir as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let lock = open(dir + ".lock", O_CREAT | O_RDWR, 0o644)
        guard lock >= 0 else { throw XCTSkip("cannot open the lock \(dir).lock") }
        defer { close(lock) }
        flock(lock, LOCK_EX)
        defer { flock(lock, LOCK_UN) }
        if FileManager.default.fileExists(atPath: dir + "/ready") { return python }
        let made = try PalmProcess.run(path: "/usr/bin/env", ["python3", "-m", "venv", "--clear", dir], timeout: 300)
        XCTAssertEqual(made.status, 0, "python3 -m venv \(dir): \(made)")
        guard made.status == 0 else { throw XCTSkip("no venv: \(made.stderr)") }
        let pip = try PalmProcess.run(path: python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + packages, timeout: 900)
        if pip.status != 0 {
            if !pypiReachable(python) { throw XCTSkip("PyPI cannot be reached, so jupyter_client and nbclient cannot be installed: \(pip.stderr.suffix(300))") }
            XCTFail("pip install \(packages.joined(separator: " ")) into \(dir) failed: \(pip)")
            throw XCTSkip("no Jupyter client")
        }
        FileManager.default.createFile(atPath: dir + "/ready", contents: Data(packages.joined(separator: "\n").utf8))
        return python
    }

    /// True when pypi.org answers.
    static func pypiReachable(_ python: String) -> Bool {
        let probe = try? PalmProcess.run(path: python, ["-c", "import urllib.request; urllib.request.urlopen('https://pypi.org/simple/pip/', timeout=15)"], timeout: 60)
        return probe?.status == 0
    }
}
