import Foundation

/// An exclusive advisory lock (`flock`) on a lock file, held until `unlock()` or deinit.
///
/// Why `flock`: it is released by the kernel when the holder dies (a killed extraction never
/// leaves a stale lock), and it excludes other open file descriptions, so two processes, or two
/// stores in one process, serialize on the same cache entry.
final class FileLock {
    private var fd: Int32

    /// Blocks until the lock on `path` (created if needed) is held; calls `onWait` first when
    /// another holder makes it wait (to say so: the wait can be as long as that holder's run).
    init(path: String, onWait: () -> Void = {}) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FeatureStoreError.cacheIO(path: path, reason: String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return }
        if errno == EWOULDBLOCK { onWait() }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let reason = String(cString: strerror(errno))
            close(fd)
            throw FeatureStoreError.cacheIO(path: path, reason: "flock: \(reason)")
        }
    }

    func unlock() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { unlock() }
}
