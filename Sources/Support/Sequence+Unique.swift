extension Sequence where Element: Hashable {
    /// The elements without repeats, in the order they first appear (the order tables list
    /// datasets and methods in).
    public func uniqueInOrder() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
