import Foundation

/// What identifies a file's content for the cache without reading it: absolute path, size in
/// bytes and modification time in nanoseconds. Rewriting a file (even with the same size)
/// changes its mtime, so its cached embedding is no longer used.
public struct FileIdentity: Hashable, Sendable {
    public var path: String
    public var size: Int64
    public var mtimeNanoseconds: Int64

    public init(path: String, size: Int64, mtimeNanoseconds: Int64) {
        self.path = path
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
    }

    /// `stat`s `path`.
    /// - Throws: a message with `strerror` when the file cannot be stat'ed.
    public init(statting path: String) throws {
        var s = stat()
        guard stat(path, &s) == 0 else {
            throw FeatureStoreError.cannotStat(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        size = Int64(s.st_size)
        mtimeNanoseconds = Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec)
    }
}
