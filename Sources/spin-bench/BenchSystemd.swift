import Foundation
import SpinCore
#if canImport(Glibc)
import Glibc
#endif

/// A private `systemd --user` manager for the `systemd` rows, started as design.md describes
/// (and as Tests/SpinTestSupport/PrivateSystemdManager does — copied here because an
/// executable cannot import a test target): its own HOME and XDG_RUNTIME_DIR under
/// `/var/tmp/spin-bench-sd.XXXXXX`, a private mount namespace with a fresh `/run/systemd`, and
/// its own cgroup so it never shares `/app.slice` with another private manager.
struct BenchSystemd: Sendable {
    /// Moves the shell into the given cgroups, then execs systemd. No interpolation.
    static let script = """
        for g in "$@"; do echo $$ > "$g/cgroup.procs" || exit 1; done; \
        mount -t tmpfs none /run/systemd && mkdir /run/systemd/system && exec /lib/systemd/systemd --user
        """
    static let cgroupHierarchies = ["/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified"]

    let root: String
    /// `systemd --user` itself (setsid, unshare and sh exec into it).
    let pid: pid_t
    let cgroups: [String]

    var home: String { root + "/home" }
    var runtimeDirectory: String { root + "/run" }
    var unitDirectory: String { home + "/.config/systemd/user" }
    var scope: SystemdScope { .user(runtimeDirectory: runtimeDirectory) }

    /// Starts a manager and waits until its private socket accepts connections.
    static func start() async throws -> BenchSystemd {
        var template = Array("/var/tmp/spin-bench-sd.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchError("mkdtemp failed") }
        let root = String(cString: made)
        guard mkdir(root + "/home", 0o755) == 0, mkdir(root + "/run", 0o700) == 0 else { throw BenchError("mkdir under \(root) failed") }
        try FileManager.default.createDirectory(atPath: "/run/systemd", withIntermediateDirectories: true)
        let name = (root as NSString).lastPathComponent
        let cgroups = cgroupHierarchies.map { $0 + "/" + name }.filter { mkdir($0, 0o755) == 0 }
        let pid: pid_t
        do {
            pid = try spawn(root: root, cgroups: cgroups)
        } catch {
            removeCgroups(cgroups)
            throw error
        }
        let manager = BenchSystemd(root: root, pid: pid, cgroups: cgroups)
        let deadline = ContinuousClock.now + .seconds(20)
        while !Self.accepts(manager.runtimeDirectory + "/systemd/private") {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid || ContinuousClock.now >= deadline {
                await manager.stop()
                throw BenchError("systemd --user did not start; see \(root)/systemd.log")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return manager
    }

    /// SIGTERM (SIGKILL after 10 s), reap, remove the cgroups and the directory.
    func stop() async {
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(10)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        Self.removeCgroups(cgroups)
        try? FileManager.default.removeItem(atPath: root)
    }

    static func removeCgroups(_ cgroups: [String]) {
        for cgroup in cgroups {
            guard let enumerator = FileManager.default.enumerator(atPath: cgroup) else { continue }
            var directories: [String] = []
            while let entry = enumerator.nextObject() as? String {
                if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeDirectory { directories.append(cgroup + "/" + entry) }
            }
            for directory in directories.sorted(by: { $0.count > $1.count }) { rmdir(directory) }
            rmdir(cgroup)
        }
    }

    /// `setsid unshare --mount --propagation private sh -c SCRIPT sh CGROUPS…`, with HOME and
    /// XDG_RUNTIME_DIR set, an empty signal mask, output to `root/systemd.log`.
    private static func spawn(root: String, cgroups: [String]) throws -> pid_t {
        let argv = ["/usr/bin/setsid", "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh"] + cgroups
        var environment = ProcessInfo.processInfo.environment
        for key in ["XDG_CONFIG_HOME", "DBUS_SESSION_BUS_ADDRESS", "NOTIFY_SOCKET", "LISTEN_PID", "LISTEN_FDS",
                    "MANAGERPID", "INVOCATION_ID", "SYSTEMD_EXEC_PID"] {
            environment[key] = nil
        }
        environment["HOME"] = root + "/home"
        environment["XDG_RUNTIME_DIR"] = root + "/run"
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, root + "/systemd.log", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnvp = envp.map { strdup($0) } + [nil]
        defer { (cArgv + cEnvp).forEach { free($0) } }
        let result = posix_spawn(&pid, argv[0], &actions, &attributes, cArgv, cEnvp)
        guard result == 0 else { throw BenchError("posix_spawn \(argv[0]): \(String(cString: strerror(result)))") }
        return pid
    }

    /// Whether a unix socket accepts a connection.
    static func accepts(_ path: String) -> Bool {
        (try? RawQMPSocket.tryConnect(path: path)) != nil
    }
}
