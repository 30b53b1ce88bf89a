import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether a live qemu has an image open, asked of the file itself: qemu takes file locks
/// (open file description locks) on every image it opens, so a lock held on the file means a
/// process is using it — whoever started that process and whatever the registry says.
enum ImageUse {
    /// `F_OFD_GETLK` (Linux).
    private static let getOpenFileDescriptionLock: Int32 = 36

    /// Whether some process holds a lock on the file at `path`.
    static func isLocked(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var probe = flock()
        probe.l_type = Int16(F_WRLCK)
        probe.l_whence = Int16(SEEK_SET)
        probe.l_start = 0
        probe.l_len = 0
        probe.l_pid = 0
        guard fcntl(fd, getOpenFileDescriptionLock, &probe) == 0 else { return false }
        return probe.l_type != Int16(F_UNLCK)
    }

    /// Refuses to change an image a running qemu has open.
    /// - Throws: ``SpinError`` `.failedPrecondition` naming the image and the fix.
    static func requireUnused(_ path: String, what: String, verb: String) throws(SpinError) {
        guard isLocked(path) else { return }
        throw SpinError(.failedPrecondition, "\(what) is open by a running qemu; stop the VM that uses it (spin stop VM) before you \(verb) it")
    }
}
