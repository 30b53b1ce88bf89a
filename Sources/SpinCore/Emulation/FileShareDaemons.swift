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

    /// Starts every daemon (`--daemonize`). If one fails, those already started are ended
    /// and the error names the share and the daemon's own message.
    func start() async throws {
        for (index, daemon) in daemons.enumerated() {
            end(daemon)
            let result: ProcessResult
            do {
                result = try await ProcessRunner.run(daemon.executable, daemon.arguments(daemonize: true), check: false)
            } catch {
                stop()
                throw SpinError(.unavailable, "cannot run \(daemon.executable) for shared folder \(index) (\(daemon.sourceDirectory)): \(error); install Debian's qemu-system-common", cause: error)
            }
            guard result.termination == .exited(0) else {
                stop()
                let message = result.standardErrorText.trimmingCharacters(in: .whitespacesAndNewlines)
                throw SpinError(.actionFailed, "virtiofsd for shared folder \(index) (\(daemon.sourceDirectory)) did not start: \(message.isEmpty ? "\(result.termination)" : message)")
            }
        }
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
