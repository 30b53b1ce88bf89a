import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension PrivateSystemdManager {
    /// Spawns `setsid unshare --mount --propagation private sh -c <script> sh <cgroups…>` with argv arrays,
    /// HOME and XDG_RUNTIME_DIR set, an empty signal mask and output to `root/systemd.log`.
    /// The child is not a process-group leader, so setsid does not fork: the pid stays the
    /// same through (`wrapper`, which must exec in place →) setsid → unshare → sh → systemd.
    static func spawn(root: String, cgroups: [String], wrapper: [String] = []) throws -> pid_t {
        let argv = wrapper + ["/usr/bin/setsid", "/usr/bin/unshare", "--mount", "--propagation", "private",
                    "/bin/sh", "-c", script, "sh"] + cgroups
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
        let result = withCStrings(argv) { cArgv in
            withCStrings(envp) { cEnvp in
                posix_spawn(&pid, argv[0], &actions, &attributes, cArgv, cEnvp)
            }
        }
        guard result == 0 else { throw HarnessError("posix_spawn \(argv[0]): \(String(cString: strerror(result)))") }
        return pid
    }
}

/// Calls `body` with a NULL-terminated C array of the strings.
func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}
