import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs child processes with `posix_spawn`: an empty signal mask, default signal dispositions,
/// argv as `[String]` (never a shell string), stdout and stderr captured through pipes.
///
/// Pipes are drained by one dedicated thread per child (with `poll(2)`), so large outputs
/// cannot deadlock and the Swift cooperative pool is never blocked; the same thread reaps the
/// child with `waitpid(2)` and then resumes the awaiting task.
///
/// ```swift
/// let result = try await ProcessRunner.run("qemu-img", ["info", "--output=json", path])
/// print(result.standardOutputText)
/// ```
public enum ProcessRunner {
    /// Runs `executable` with `arguments` and waits for it to exit.
    ///
    /// - Parameters:
    ///   - executable: a path, or a bare name looked up on `PATH`.
    ///   - arguments: the arguments after argv[0].
    ///   - environment: the child's environment; `nil` inherits this process's.
    ///   - check: when `true` (the default), a non-zero exit or a death by signal throws
    ///     ``ProcessRunner/Error/failed(executable:arguments:termination:standardError:)``.
    ///   - onLine: called from the reader thread for every line of output (split on `\n` or
    ///     `\r`, so progress meters that rewrite one line are seen as they change).
    /// - Returns: the termination status and everything the child wrote.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        check: Bool = true,
        onLine: (@Sendable (OutputStream, String) -> Void)? = nil
    ) async throws -> ProcessResult {
        let child = try SpawnedChild.spawn(
            executable: executable, arguments: arguments, environment: environment,
            stdio: .pipes, newSession: false)
        let pid = child.pid
        let collected = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ProcessResult, Never>) in
                let collector = OutputCollector(child: child, onLine: onLine) { result in
                    continuation.resume(returning: result)
                }
                collector.start()
            }
        } onCancel: {
            _ = kill(pid, SIGTERM)
        }
        if check, collected.termination != .exited(0) {
            throw Error.failed(
                executable: executable, arguments: arguments,
                termination: collected.termination,
                standardError: collected.standardErrorText)
        }
        return collected
    }

    /// Starts `executable` in a new session with stdin on `/dev/null` and stdout/stderr
    /// appended to `logPath` (or `/dev/null`), and returns its pid without waiting.
    ///
    /// The child is still this process's child: reap it with ``waitForExit(pid:)`` (for
    /// `qemu -daemonize`, the direct child exits as soon as the daemon is ready).
    public static func spawnDetached(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        logPath: String? = nil
    ) throws -> pid_t {
        let child = try SpawnedChild.spawn(
            executable: executable, arguments: arguments, environment: environment,
            stdio: .file(logPath ?? "/dev/null"), newSession: true)
        return child.pid
    }

    /// Waits, on a dedicated thread, for the child `pid` to exit and reaps it.
    ///
    /// Throws ``ProcessRunner/Error/waitFailed(pid:errno:)`` if `pid` is not a child of
    /// this process (or was already reaped).
    public static func waitForExit(pid: pid_t) async throws -> ProcessTermination {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                switch SpawnedChild.reap(pid: pid) {
                case .success(let termination): continuation.resume(returning: termination)
                case .failure(let error): continuation.resume(throwing: error)
                }
            }
            thread.name = "spin-wait-\(pid)"
            thread.start()
        }
    }
}
