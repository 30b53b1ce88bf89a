import Foundation
import SpinQemu

/// The `virtiofsd` daemons of one VM's shared folders under the direct supervisor: started
/// before qemu, each returning once its socket listens, and ended when qemu could not start
/// or has stopped. Each serves one connection and exits with its qemu, so ending them is a
/// safety net. A daemon is found by its own `--socket-path=` argument, which names a socket
/// in the VM's private runtime directory: no other process has it.
struct FileShareDaemons {
    /// The daemons, one per share.
    let daemons: [QemuVirtiofsd]

    /// Starts every daemon in its own session (foreground mode: Debian 12's C virtiofsd waits
    /// for qemu's connection before it would daemonize) with its output in `logPath(index)`,
    /// and returns once each socket listens. If one fails, those already started are ended
    /// and the error names the share and the daemon's last words.
    func start(logPath: (Int) -> String) async throws {
        for (index, daemon) in daemons.enumerated() {
            end(daemon)
            // The socket lies in the VM's private runtime directory: a leftover is spin's own.
            try? FileManager.default.removeItem(atPath: daemon.socketPath)
            try? FileManager.default.removeItem(atPath: logPath(index))
            let pid: pid_t
            do {
                pid = try ProcessRunner.spawnDetached(daemon.executable, daemon.arguments(daemonize: false), logPath: logPath(index))
            } catch {
                stop()
                throw SpinError(.unavailable, "cannot run \(daemon.executable) for shared folder \(index) (\(daemon.sourceDirectory)): \(error); install Debian's qemu-system-common", cause: error)
            }
            // Reaped in the background: a daemon outlives this call (and, for the CLI, spin).
            Task.detached { _ = try? await ProcessRunner.waitForExit(pid: pid) }
            let deadline = ContinuousClock.now + .seconds(10)
            while !Self.isListening(daemon.socketPath) {
                let alive = ProcessIdentity.current(pid: pid) != nil
                if !alive || ContinuousClock.now >= deadline {
                    stop()
                    let log = (try? String(contentsOfFile: logPath(index), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                    throw SpinError(.actionFailed, "virtiofsd for shared folder \(index) (\(daemon.sourceDirectory)) \(alive ? "did not listen within 10 s" : "exited"): \(log.isEmpty ? "no output" : String(log.suffix(600)))")
                }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    /// Whether a unix socket exists at `path` (virtiofsd binds and listens in one step, then
    /// waits in accept; qemu's connection is queued until then).
    static func isListening(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK
    }

    /// Ends every daemon still running (SIGTERM; they hold no state worth a graceful exit).
    func stop() {
        for daemon in daemons { end(daemon) }
    }

    /// The live processes of `daemon`: its launcher and the sandboxed child share its argv.
    static func processes(of daemon: QemuVirtiofsd) -> [ProcessIdentity] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let marker = "--socket-path=\(daemon.socketPath)"
        return entries.compactMap { entry in
            guard let pid = Int32(entry), let arguments = ProcessIdentity.arguments(pid: pid),
                arguments.first == daemon.executable, arguments.contains(marker)
            else { return nil }
            return ProcessIdentity.current(pid: pid)
        }
    }

    private func end(_ daemon: QemuVirtiofsd) {
        for process in Self.processes(of: daemon) where process.isAlive { kill(process.pid, SIGTERM) }
    }
}
