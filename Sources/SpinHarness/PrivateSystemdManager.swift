import Foundation
import SpinCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A private `systemd --user` manager for tests, started as design.md describes: its own HOME
/// and XDG_RUNTIME_DIR under `/var/tmp/spin-sd.XXXXXX`, in a private mount namespace where
/// `/run/systemd` is a fresh tmpfs (so it believes systemd is running). Never PID 1, never in a
/// PID namespace. Reach it through ``scope`` (its private socket, peer-to-peer D-Bus).
///
/// Each manager also gets its own cgroup (`/sys/fs/cgroup/<hierarchy>/spin-sd.XXXXXX`). Without
/// one, every manager started from `/init.scope` takes the root cgroup as its own and puts its
/// units in the same `/app.slice`: two managers at once (parallel suites, other worktrees)
/// then stop and kill each other's units.
public final class PrivateSystemdManager: Sendable {
    /// The fixed script run by `sh -c` inside the mount namespace; no interpolation. Its
    /// arguments are cgroup directories the shell moves itself into before exec'ing systemd.
    static let script = """
        for g in "$@"; do echo $$ > "$g/cgroup.procs" || exit 1; done; \
        mount -t tmpfs none /run/systemd && mkdir /run/systemd/system && exec /lib/systemd/systemd --user
        """
    /// Hierarchies that get a per-manager cgroup, where present (hybrid and unified layouts).
    static let cgroupHierarchies = ["/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified"]

    /// The temporary directory holding everything (`home/`, `run/`, `systemd.log`).
    public let root: String
    /// The manager's HOME.
    public let home: String
    /// The manager's XDG_RUNTIME_DIR; its private socket is `systemd/private` in here.
    public let runtimeDirectory: String
    /// The pid of `systemd --user` itself (setsid, unshare and sh all exec into it); a new
    /// one after ``startAgain(timeout:)``.
    public var pid: pid_t { current.withLock { $0 } }
    private let current: Mutex<pid_t>
    /// This manager's own cgroups, removed on stop.
    let cgroups: [String]
    private let stopped = Mutex(false)

    /// The argv prefix the manager was started through (e.g. `ip netns exec NS`, so that it
    /// and every unit it starts live in a test's network namespace); empty: none.
    public let wrapper: [String]

    /// Where this manager reads user units (`$HOME/.config/systemd/user`).
    public var unitDirectory: String { home + "/.config/systemd/user" }
    /// The scope to connect a ``SystemdManager`` to this manager.
    public var scope: SystemdScope { .user(runtimeDirectory: runtimeDirectory) }
    /// Output of the spawn chain (setsid, unshare, sh, mount). systemd --user itself writes
    /// nothing here: without journald its log is lost, even with --log-target=console.
    public var log: String { (try? String(contentsOfFile: root + "/systemd.log", encoding: .utf8)) ?? "" }

    private init(root: String, pid: pid_t, cgroups: [String], wrapper: [String]) {
        self.root = root
        self.wrapper = wrapper
        self.home = root + "/home"
        self.runtimeDirectory = root + "/run"
        self.current = Mutex(pid)
        self.cgroups = cgroups
    }

    /// Starts a manager and waits until its private socket accepts connections. `wrapper` is
    /// an argv prefix that execs its arguments in place (`ip netns exec NS`, `nsenter …`).
    public static func start(timeout: Duration = .seconds(20), wrapper: [String] = []) async throws -> PrivateSystemdManager {
        var template = Array("/var/tmp/spin-sd.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw HarnessError("mkdtemp failed: \(errnoText())") }
        let root = String(cString: made)
        // Searchable (not listable) by the unprivileged qemu user, as an operator would set it.
        chmod(root, 0o711)
        for (dir, mode) in [(root + "/home", mode_t(0o755)), (root + "/run", mode_t(0o700))] {
            guard mkdir(dir, mode) == 0, chmod(dir, mode) == 0 else { throw HarnessError("mkdir \(dir): \(errnoText())") }
        }
        // unshare needs the mountpoint; create it on hosts without systemd.
        try FileManager.default.createDirectory(atPath: "/run/systemd", withIntermediateDirectories: true)

        let name = (root as NSString).lastPathComponent
        let cgroups = cgroupHierarchies.map { $0 + "/" + name }.filter { mkdir($0, 0o755) == 0 }
        let pid: pid_t
        do {
            pid = try spawn(root: root, cgroups: cgroups, wrapper: wrapper)
        } catch {
            removeCgroups(cgroups)
            throw error
        }
        let manager = PrivateSystemdManager(root: root, pid: pid, cgroups: cgroups, wrapper: wrapper)
        do {
            try await manager.waitUntilListening(timeout: timeout)
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
            guard comm.hasPrefix("systemd") else {
                throw HarnessError("spawned pid \(pid) is \"\(comm)\", not systemd")
            }
        } catch {
            await manager.stop()
            throw error
        }
        return manager
    }

    /// Kills the manager with SIGKILL, as a host crash would, and reaps it. Its units' processes
    /// are not touched (they outlive it); its HOME, runtime directory and cgroups stay, so
    /// ``startAgain(timeout:)`` brings a new manager up in the same place.
    public func crash() {
        let pid = pid
        guard pid > 0, !stopped.withLock({ $0 }), Glibc.kill(pid, SIGKILL) == 0 else { return }
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        current.withLock { $0 = 0 }  // reaped: never signal that pid again
    }

    /// Starts a new manager with the same HOME, runtime directory and cgroups (after
    /// ``crash()``), as the host's next boot or the user's next login would; it starts what
    /// `default.target` wants, like any freshly started user manager.
    public func startAgain(timeout: Duration = .seconds(20)) async throws {
        let pid = try Self.spawn(root: root, cgroups: cgroups, wrapper: wrapper)
        current.withLock { $0 = pid }
        try await waitUntilListening(timeout: timeout)
    }

    /// Stops the manager (SIGTERM, SIGKILL after 10 s), reaps it and deletes its directory.
    public func stop() async {
        guard stopped.withLock({ let was = $0; $0 = true; return !was }) else { return }
        let pid = pid
        guard pid > 0 else {
            Self.removeCgroups(cgroups)
            try? FileManager.default.removeItem(atPath: root)
            return
        }
        kill(pid, SIGTERM)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(10))
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if clock.now >= deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        Self.removeCgroups(cgroups)
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Removes cgroup directories bottom-up; a cgroup still holding processes stays.
    static func removeCgroups(_ cgroups: [String]) {
        for cgroup in cgroups {
            guard let enumerator = FileManager.default.enumerator(atPath: cgroup) else { continue }
            var directories: [String] = []
            while let entry = enumerator.nextObject() as? String {
                if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeDirectory {
                    directories.append(cgroup + "/" + entry)
                }
            }
            for directory in directories.sorted(by: { $0.count > $1.count }) { rmdir(directory) }
            rmdir(cgroup)
        }
    }

    private func waitUntilListening(timeout: Duration) async throws {
        let socketPath = runtimeDirectory + "/systemd/private"
        let pid = pid
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while !Self.accepts(socketPath) {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                stopped.withLock { $0 = true }
                throw HarnessError("systemd --user exited (status \(status)) before listening:\n\(log)")
            }
            guard clock.now < deadline else {
                throw HarnessError("systemd --user did not open \(socketPath) within \(timeout):\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Whether a unix socket at `path` accepts a connection.
    static func accepts(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, byte) in bytes.enumerated() { buffer[i] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }
}

/// Runs `body` with a fresh private manager and stops it afterwards, also when `body` throws.
/// `wrapper` as in ``PrivateSystemdManager/start(timeout:wrapper:)``.
public func withPrivateSystemdManager<T>(wrapper: [String] = [], _ body: (PrivateSystemdManager) async throws -> T) async throws -> T {
    let manager = try await PrivateSystemdManager.start(wrapper: wrapper)
    do {
        let result = try await body(manager)
        await manager.stop()
        return result
    } catch {
        await manager.stop()
        throw error
    }
}

/// A failure of the test harness itself.
public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

func errnoText() -> String { String(cString: strerror(errno)) }
