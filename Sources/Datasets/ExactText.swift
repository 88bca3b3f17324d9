/// A string compared by its UTF-8 bytes, for keying sets and dictionaries.
///
/// Swift's `==` on `String` is canonical equivalence: the NFC and NFD spellings of "café"
/// compare equal, and a `Set<String>` or `[String: _]` merges them. Labels and paths are data
/// and are kept as written: Linux stores the two spellings as two file names, and the
/// reference's Python compares code points, so two labels that differ only in normalisation
/// are two classes there. palm keys classes and paths by their bytes to match.
struct ExactText: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (a: ExactText, b: ExactText) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }

    func hash(into hasher: inout Hasher) {
        var copy = text
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

extension String {
    /// True when the two strings have the same UTF-8 bytes (not merely canonically equivalent).
    func isIdentical(to other: String) -> Bool { utf8.elementsEqual(other.utf8) }
}
