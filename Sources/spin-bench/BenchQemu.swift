import Foundation
import SpinQemu
#if canImport(Glibc)
import Glibc
#endif

/// A qemu the benchmark spawned itself, in the foreground, as its own child; ``kill()`` SIGKILLs
/// and reaps it.
struct BenchQemu: Sendable {
    let pid: pid_t
    /// The QMP greeting's version, e.g. `7.2.22`.
    let version: String

    /// Spawns `qemu-system-x86_64 arguments` and waits until its QMP socket answers.
    static func launch(_ arguments: [String], executable: String = "qemu-system-x86_64", qmpSocket: String, log: String) async throws -> BenchQemu {
        let pid = try ProcessRunner.spawnDetached(executable, arguments, logPath: log)
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let socket = try? RawQMPSocket.tryConnect(path: qmpSocket) {
                try socket.handshake()
                return BenchQemu(pid: pid, version: socket.greetingVersion)
            }
            if !ProcessRunner.isAlive(pid: pid) { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        await BenchQemu(pid: pid, version: "").kill()
        throw BenchError("qemu did not open \(qmpSocket); its log: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    /// SIGKILL, then reap.
    func kill() async {
        _ = Glibc.kill(pid, SIGKILL)
        _ = try? await ProcessRunner.waitForExit(pid: pid)
    }
}
