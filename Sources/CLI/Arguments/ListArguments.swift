import ArgumentParser
import Prompting

/// The comma-separated lists the commands take, parsed and checked before any work starts.
public enum ListArguments {
    /// Seeds: `0,1,2` (non-negative integers, no repeats).
    public static func seeds(_ text: String) throws -> [UInt64] {
        var out: [UInt64] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let s = item.trimmingCharacters(in: .whitespaces)
            guard let v = UInt64(s) else { throw ValidationError("--seeds wants non-negative integers separated by commas, found '\(s)'") }
            guard !out.contains(v) else { throw ValidationError("--seeds lists seed \(v) twice") }
            out.append(v)
        }
        return out
    }

    /// Method specs: `zeroshot,coop:n_ctx=4,batch=160,palm`. A method's settings are
    /// themselves separated by commas, so an item of the form `key=value` (no colon before the
    /// `=`) continues the previous method: that list is `zeroshot`, `coop:n_ctx=4,batch=160`,
    /// `palm`. Every spec is checked against the learner registry (canonical spellings).
    public static func methods(_ text: String) throws -> [MethodSpec] {
        var groups: [String] = []
        for item in text.split(separator: ",") {
            let s = item.trimmingCharacters(in: .whitespaces)
            guard !s.isEmpty else { continue }
            let isSetting = s.contains("=") && !s[..<s.firstIndex(of: "=")!].contains(":")
            if isSetting {
                guard !groups.isEmpty else { throw ValidationError("--methods: setting '\(s)' comes before any method") }
                groups[groups.count - 1] += "," + s
            } else {
                groups.append(s)
            }
        }
        guard !groups.isEmpty else { throw ValidationError("--methods lists no method") }
        return try groups.map { g in
            do { return try MethodSpec(g) } catch { throw ValidationError("--methods: \(error)") }
        }
    }
}
