import Foundation
import Kernel
import Support
import TestSupport
import XCTest

/// `palm kernel install`: kernel.json and the two logos, which must be valid PNGs (read back
/// by Python's zlib: chunk CRCs, the inflated size, transparent corners, an opaque middle).
final class KernelSpecTests: XCTestCase {
    func testInstallWritesKernelJSONAndLogos() throws {
        let dir = try TemporaryDirectory("palm-kernelspec")
        let folder = try KernelSpec.install(into: dir.file("kernels"), executable: "/opt/palm/bin/palm")
        XCTAssertEqual(folder, dir.file("kernels/palm"))
        let spec = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: folder + "/kernel.json")), what: "kernel.json")
        XCTAssertEqual(spec["argv"], ["/opt/palm/bin/palm", "kernel", "--connection-file", "{connection_file}"])
        XCTAssertEqual(spec["display_name"]?.stringValue, "palm")
        XCTAssertEqual(spec["language"]?.stringValue, "palm")
        XCTAssertEqual(spec["interrupt_mode"]?.stringValue, "message")
        for size in [32, 64] {
            let check = """
                import struct, sys, zlib
                data = open(sys.argv[1], 'rb').read()
                assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
                pos, chunks = 8, {}
                while pos < len(data):
                    n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]
                    assert struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(kind + body), kind
                    chunks[kind] = body; pos += 12 + n
                w, h, depth, colour = struct.unpack('>IIBB', chunks[b'IHDR'][:10])
                raw = zlib.decompress(chunks[b'IDAT']); row = 1 + 4 * w
                assert (w, h, depth, colour) == (\(size), \(size), 8, 6) and len(raw) == h * row
                alpha = lambda x, y: raw[y * row + 1 + 4 * x + 3]
                assert alpha(0, 0) == 0 and alpha(w // 2, h // 2) == 255
                print('ok')
                """
            let out = try PalmProcess.run(path: "/usr/bin/env", ["python3", "-c", check, "\(folder)/logo-\(size)x\(size).png"])
            XCTAssertEqual(out.stdout, "ok\n", "logo-\(size)x\(size).png: \(out)")
        }
    }

    func testUserAndPrefixTogetherAreRefused() throws {
        let both = try PalmProcess.run(["kernel", "install", "--user", "--prefix", "/tmp/palm-never"])
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderr.contains("not both"), "\(both)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/palm-never"))
    }

    func testKernelsDirectory() {
        XCTAssertEqual(KernelSpec.kernelsDirectory(prefix: "/tmp/p"), "/tmp/p/share/jupyter/kernels")
        setenv("JUPYTER_DATA_DIR", "/tmp/jd", 1)
        defer { unsetenv("JUPYTER_DATA_DIR") }
        XCTAssertEqual(KernelSpec.kernelsDirectory(prefix: nil), "/tmp/jd/kernels")
    }

    /// `--user` goes where Jupyter looks for the user's kernels: `jupyter kernelspec list`
    /// (from the client tests' venv, when it has been made) finds it under a fresh `$HOME`.
    func testUserInstallIsWhereJupyterLooks() throws {
        let home = try TemporaryDirectory("palm-home")
        // Jupyter prefers a venv's own kernels by default; the user's install must be listed
        // whatever the venv holds.
        let env = ["HOME": home.path, "XDG_DATA_HOME": "", "JUPYTER_DATA_DIR": "", "JUPYTER_PATH": "", "JUPYTER_PREFER_ENV_PATH": "0"]
        let install = try PalmProcess.run(["kernel", "install", "--user"], environment: env)
        XCTAssertEqual(install.status, 0, "\(install)")
        #if os(Linux)
        XCTAssertTrue(FileManager.default.fileExists(atPath: home.file(".local/share/jupyter/kernels/palm/kernel.json")), "\(install)")
        #endif
        let jupyter = JupyterVenv.directory + "/bin/jupyter"
        guard FileManager.default.fileExists(atPath: JupyterVenv.directory + "/ready") else {
            throw XCTSkip("the Jupyter venv is not made yet (JupyterClientTests makes it)")
        }
        let list = try PalmProcess.run(path: jupyter, ["kernelspec", "list"], environment: env)
        XCTAssertTrue(list.stdout.contains(home.file(".local/share/jupyter/kernels/palm")), "\(list)")
    }
}
