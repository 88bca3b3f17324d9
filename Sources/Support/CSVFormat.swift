/// Writing CSV the way spreadsheet tools and pandas read it (RFC 4180): a field that holds a
/// comma, a quote or a line break is quoted, with its quotes doubled.
public enum CSVFormat {
    /// One field, quoted when needed.
    public static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One line (without its newline).
    public static func row(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") }
}
