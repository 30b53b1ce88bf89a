import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child started by `posix_spawn`, with the parent's ends of its output pipes (if any).
struct SpawnedChild: Sendable {
    /// Where the child's stdout and stderr go.
    enum Stdio {
        /// Two pipes whose read ends the parent keeps.
        case pipes
        /// Appended to this file (created 0644 if missing).
        case file(String)
    }

    let pid: pid_t
    /// Read end of the child's stdout pipe, or -1.
    let standardOutput: Int32
    /// Read end of the child's stderr pipe, or -1.
    let standardError: Int32

    /// Spawns with an empty signal mask and every catchable signal reset to its default.
    static func spawn(
        executable: String, arguments: [String], environment: [String: String]?,
        stdio: Stdio, newSession: Bool
    ) throws -> SpawnedChild {
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        if case .pipes = stdio {
            let outCode = GNUExtensions.cloexecPipe(&outPipe)
            guard outCode == 0 else {
                throw ProcessRunner.Error.spawnFailed(executable: executable, errno: outCode)
            }
            let code = GNUExtensions.cloexecPipe(&errPipe)
            guard code == 0 else {
                close(outPipe[0]); close(outPipe[1])
                throw ProcessRunner.Error.spawnFailed(executable: executable, errno: code)
            }
        }
        defer {
            // The parent never needs the write ends.
            if outPipe[1] >= 0 { close(outPipe[1]) }
            if errPipe[1] >= 0 { close(errPipe[1]) }
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        switch stdio {
        case .pipes:
            posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
            posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        // Nothing else of ours leaks into the child, even fds opened without O_CLOEXEC.
        GNUExtensions.addCloseFrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if newSession { flags |= GNUExtensions.spawnSetSID }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = [executable] + arguments
        let env = environment.map { $0.map { "\($0.key)=\($0.value)" } }
        var pid: pid_t = 0
        let code = withCStrings(argv) { argvPointer in
            if let env {
                return withCStrings(env) { envPointer in
                    spawnCall(&pid, executable, &actions, &attributes, argvPointer, envPointer)
                }
            }
            return spawnCall(&pid, executable, &actions, &attributes, argvPointer, environ)
        }
        guard code == 0 else {
            if outPipe[0] >= 0 { close(outPipe[0]) }
            if errPipe[0] >= 0 { close(errPipe[0]) }
            throw ProcessRunner.Error.spawnFailed(executable: executable, errno: code)
        }
        return SpawnedChild(pid: pid, standardOutput: outPipe[0], standardError: errPipe[0])
    }

    /// `posix_spawn` for paths, `posix_spawnp` (a `PATH` search) for bare names.
    private static func spawnCall(
        _ pid: UnsafeMutablePointer<pid_t>, _ executable: String,
        _ actions: UnsafePointer<posix_spawn_file_actions_t>,
        _ attributes: UnsafePointer<posix_spawnattr_t>,
        _ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
        _ envp: UnsafePointer<UnsafeMutablePointer<CChar>?>?
    ) -> Int32 {
        if executable.contains("/") {
            return posix_spawn(pid, executable, actions, attributes, argv, envp)
        }
        return posix_spawnp(pid, executable, actions, attributes, argv, envp)
    }

    /// Calls `body` with a NULL-terminated C array of copies of `strings`.
    private static func withCStrings<R>(
        _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R
    ) -> R {
        let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(
            capacity: strings.count + 1)
        for (index, string) in strings.enumerated() { array[index] = strdup(string) }
        array[strings.count] = nil
        defer {
            for index in 0..<strings.count { free(array[index]) }
            array.deallocate()
        }
        return body(array)
    }

    /// Blocks until `pid` exits (retrying on EINTR) and decodes its status.
    static func reap(pid: pid_t) -> Result<ProcessTermination, ProcessRunner.Error> {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, 0)
            if result == pid { return .success(.fromWaitStatus(status)) }
            if result < 0, errno == EINTR { continue }
            return .failure(.waitFailed(pid: pid, errno: errno))
        }
    }
}
