import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The host-wide lock on one VM's guest agent: an exclusive `flock` on
/// `ROOT/locks/agent-<id>`, held for one exchange with the agent (connect, resync, one or two
/// calls, close). QEMU's chardev socket serves one client at a time and qemu-ga answers one
/// request at a time, so spin processes take turns per call rather than per command: several
/// `spin exec` on one VM progress together, and a holder killed by SIGKILL frees the lock at
/// once (the kernel drops it). The file is opened `O_CLOEXEC` and never removed.
struct GuestAgentLock: Sendable {
    /// The lock file.
    let path: String
    /// The VM's id.
    let vmID: UInt64

    /// The agent lock of VM `vmID` under `root`.
    init(root: SpinRoot, vmID: UInt64) {
        self.vmID = vmID
        path = root.path + "/locks/agent-\(vmID)"
    }

    /// The cause of the error thrown when another holder keeps the lock too long.
    struct Busy: Error {}

    /// A lock held until ``release()``.
    final class Held: Sendable {
        private let fd: Mutex<Int32>
        init(fd: Int32) { self.fd = Mutex(fd) }
        deinit { release() }
        /// Drops the lock (closing its descriptor); once.
        func release() {
            fd.withLock { fd in
                if fd >= 0 { close(fd) }
                fd = -1
            }
        }
    }

    /// Takes the lock, creating its file, waiting up to `wait` for another holder.
    /// - Throws: ``SpinError`` `.unavailable` when `wait` passes first (the agent is busy).
    func acquire(waitingUpTo wait: Duration) async throws -> Held {
        let directory = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw SpinError(.unavailable, "cannot open the guest agent lock \(path): \(String(cString: strerror(errno))); check that the spin root is writable")
        }
        if try await locked(fd, within: wait) { return Held(fd: fd) }
        throw SpinError(.unavailable, "the guest agent of VM \(vmID) stayed busy with other spin commands for \(wait); try again", cause: Busy())
    }

    /// For a command that only looks: takes the lock without creating anything. Returns a
    /// held lock, `nil` when no one has ever taken it (no file: nothing to wait for), and
    /// throws `.unavailable` when another holder keeps it past `wait`.
    func acquireExisting(waitingUpTo wait: Duration) async throws -> Held? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        if try await locked(fd, within: wait) { return Held(fd: fd) }
        throw SpinError(.unavailable, "the guest agent of VM \(vmID) is busy with another spin command", cause: Busy())
    }

    /// Polls `flock(LOCK_NB)` until it succeeds (true) or `limit` passes (false, `fd` closed);
    /// on a throw `fd` is closed too.
    private func locked(_ fd: Int32, within limit: Duration) async throws -> Bool {
        do {
            if try await poll(fd, within: limit) { return true }
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        return false
    }

    private func poll(_ fd: Int32, within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        var pause = Duration.milliseconds(1)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                throw SpinError(.unavailable, "cannot lock \(path): \(String(cString: strerror(code)))")
            }
            if ContinuousClock.now >= deadline { return false }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(20))
        }
        return true
    }
}
