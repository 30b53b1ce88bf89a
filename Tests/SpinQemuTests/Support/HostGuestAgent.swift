import Foundation
import Glibc
@testable import SpinQemu

/// Debian's qemu-ga, run as an ordinary host process in tests.
enum HostGuestAgent {
    static let executable = "/usr/sbin/qemu-ga"
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    /// Commands that must never run on the host: they would power it off, freeze its
    /// filesystems or change its state. qemu-ga answers them with `CommandNotFound`.
    static let blocked = [
        "guest-shutdown", "guest-suspend-disk", "guest-suspend-ram", "guest-suspend-hybrid",
        "guest-fsfreeze-freeze", "guest-fsfreeze-freeze-list", "guest-fsfreeze-thaw", "guest-fstrim",
        "guest-set-time", "guest-set-user-password", "guest-set-vcpus", "guest-set-memory-blocks",
        "guest-file-open", "guest-file-write", "guest-ssh-add-authorized-keys", "guest-ssh-remove-authorized-keys",
    ]
}

/// Runs `body` with qemu-ga listening on `directory/ga` (`--method unix-listen`), and always
/// kills and reaps it afterwards, even when `body` throws or an expectation fails.
func withHostGuestAgent<T>(in directory: borrowing TemporaryDirectory, _ body: (String) async throws -> T) async throws -> T {
    let socket = directory.file("ga")
    let arguments = [
        "--method", "unix-listen", "--path", socket, "--pidfile", directory.file("qga.pid"),
        "--statedir", directory.path, "--logfile", directory.file("qga.log"),
        "--block-rpcs", HostGuestAgent.blocked.joined(separator: ","),
    ]
    let pid = try ProcessRunner.spawnDetached(HostGuestAgent.executable, arguments, logPath: directory.file("qga.out"))
    do {
        let value = try await body(socket)
        await reap(pid)
        return value
    } catch {
        await reap(pid)
        throw error
    }
}
