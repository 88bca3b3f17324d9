import Foundation
import Models
import Support
import TestSupport
import XCTest

/// palm's kernel through the real Jupyter client: the kernelspec is installed with
/// `palm kernel install --prefix` into a temporary folder that `JUPYTER_PATH` points at, and
/// `Scripts/jupyter/drive_kernel.py` (in a venv with jupyter_client and nbclient, see
/// `JupyterVenv`) runs a notebook that trains PALM through nbclient, checks the outputs'
/// MIME types (stream, text/html tables, image/svg+xml plots, an error with its caret), then
/// through jupyter_client: kernel_info, progress as display updates, completion, inspection,
/// is_complete, an interrupt mid-`fit` and a cell afterwards that sees the earlier state, a
/// message signed with the wrong key (refused and logged, not run), history, restart and
/// shutdown. The notebook trains on the demo task when its corpus and encoders are installed
/// (`Scripts/setup --demo`, `palm demo`), else (or with `PALM_KERNEL_TEST_TINY=1`) on a tiny
/// random PENGI and a generated dataset.
final class JupyterClientTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func testTheRealClientDrivesTheKernel() throws {
        guard let palm = PalmProcess.executable() else { return XCTFail("palm is not built beside the tests (swift build --build-tests)") }
        let python = try JupyterVenv.python()
        let dir = try TemporaryDirectory("palm-jupyter")
        let prefix = dir.file("prefix")
        let install = try PalmProcess.run(["kernel", "install", "--prefix", prefix])
        XCTAssertEqual(install.status, 0, "\(install)")
        let spec = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: prefix + "/share/jupyter/kernels/palm/kernel.json")), what: "kernel.json")
        XCTAssertEqual(spec["argv"]?.arrayValue?.first?.stringValue, palm)

        var config: [String: JSONValue] = ["workdir": .string(dir.path), "log": .string(dir.file("kernel.log"))]
        // PALM_KERNEL_TEST_TINY=1 takes the tiny model even where the demo is installed.
        let tiny = ProcessInfo.processInfo.environment["PALM_KERNEL_TEST_TINY"] == "1"
        if !tiny, let demo = Self.demoTask() {
            config["model"] = "demo_alm()"
            config["data"] = .string(demo)
            config["shots"] = 8
            config["epochs"] = 30
            print("JupyterClientTests: the demo task (\(demo))")
        } else {
            config["model"] = "pengi_random()"
            config["data"] = .string(try ToyAudioDataset.write(in: dir, train: 4, test: 2))
            config["shots"] = 4
            config["epochs"] = 20
            print("JupyterClientTests: a tiny random PENGI on a generated dataset (PALM_KERNEL_TEST_TINY=1, or the demo corpus or encoders are not installed)")
        }
        try AtomicFile.write(JSONValue.object(config).encoded(), to: dir.file("config.json"))
        var environment = ["JUPYTER_PATH": prefix + "/share/jupyter", "JUPYTER_DATA_DIR": dir.file("jupyter-data"),
                           "JUPYTER_RUNTIME_DIR": dir.file("jupyter-runtime"), "PALM_PROGRESS_AFTER": "0"]
        environment["PALM_CACHE"] = Self.palmCache
        let run = try PalmProcess.run(path: python, [Self.repository + "/Scripts/jupyter/drive_kernel.py", dir.file("config.json")],
                                      environment: environment, timeout: 1800)
        print(run.stdout)
        XCTAssertEqual(run.status, 0, "drive_kernel.py: \(run)")
        XCTAssertTrue(run.stdout.contains("all checks passed"), run.description)
    }

    /// The palm cache the user's runs fill (the demo's features are cached there), unless
    /// another test class of this process has pointed `$PALM_CACHE` at a temporary folder.
    static var palmCache: String {
        let root = CachePaths.root
        return root.hasPrefix(FileManager.default.temporaryDirectory.path) ? NSHomeDirectory() + "/.cache/palm" : root
    }

    /// The demo's evaluation folder when the corpus and both encoders are installed.
    static func demoTask() -> String? {
        let evaluation = palmCache + "/demo/corpus/evaluation"
        guard FileManager.default.fileExists(atPath: evaluation), AISFXEmbeddingNet.locateCheckpoint() != nil,
              MiniLMTextEncoder.locate() != nil else { return nil }
        return evaluation
    }
}
