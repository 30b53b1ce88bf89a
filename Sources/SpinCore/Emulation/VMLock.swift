import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The host-wide lock of one VM: an exclusive `flock` on `ROOT/locks/vm-<id>`, held while a
/// lifecycle change (start, stop, shutdown, restart, pause, resume, config write, drive change,
/// delete) runs, so the CLI, the server and remote agents on one host change a VM one at a time.
///
/// The kernel drops the lock when its holder dies, even by SIGKILL, so a killed command never
/// leaves a VM locked. The file is opened `O_CLOEXEC`: qemu, spawned while the lock is held,
/// must not inherit it. Lock files are never removed (a waiter on a removed file would hold a
/// lock nobody else sees); they are empty and one per VM id.
public struct VMLock: Sendable {
    /// The lock file.
    public let path: String

    /// The lock of VM `vmID` under `root`.
    public init(root: SpinRoot, vmID: UInt64) {
        path = root.path + "/locks/vm-\(vmID)"
    }

    /// A lock of the same kind at `path` (e.g. a managed network's, `locks/network-<name>`).
    init(path: String) {
        self.path = path
    }

    /// Runs `body` while holding the lock, waiting for it as long as another holder has it.
    /// Cancellation while waiting throws `CancellationError`.
    public func withLock<R: Sendable>(_ body: () async throws -> R) async throws -> R {
        let fd = try open()
        defer { Glibc.close(fd) }
        var pause = Duration.milliseconds(1)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else { throw failure(code, "lock") }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(20))
        }
        return try await body()
    }

    /// Whether another process (or another open of the file) holds the lock now.
    public func isHeld() -> Bool {
        guard let fd = try? open() else { return false }
        defer { Glibc.close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return false }
        return errno == EWOULDBLOCK
    }

    private func open() throws -> Int32 {
        let directory = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw failure(errno, "open") }
        return fd
    }

    private func failure(_ code: Int32, _ verb: String) -> SpinError {
        SpinError(.unavailable, "cannot \(verb) the VM lock \(path): \(String(cString: strerror(code))); check that the spin root is writable",
                  cause: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO))
    }
}
