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

/// Polls a raw QMP socket every millisecond until qemu says `running`.
/// - Throws: when qemu exits first or `timeout` passes.
func waitForRawQemuRunning(socket: String, pid: pid_t, timeout: Duration = .seconds(60)) async throws {
    let deadline = ContinuousClock.now + timeout
    var qmp: RawQMPSocket?
    while ContinuousClock.now < deadline {
        if qmp == nil, let connected = try RawQMPSocket.tryConnect(path: socket) {
            try connected.handshake()
            qmp = connected
        }
        if let qmp, try qmp.isRunning() { return }
        guard ProcessRunner.isAlive(pid: pid) else { throw BenchError("raw qemu exited while starting") }
        try await Task.sleep(for: .milliseconds(1))
    }
    throw BenchError("raw qemu did not reach running within \(timeout)")
}
