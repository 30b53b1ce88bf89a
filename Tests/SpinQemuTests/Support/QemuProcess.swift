import Foundation
import Glibc
@testable import SpinQemu

/// Runs `body` with a real QEMU started (not daemonized) from `arguments`, and always kills
/// and reaps it afterwards, even when `body` throws or an expectation fails.
func withQemu<T>(
    _ arguments: [String], log: String,
    _ body: (pid_t) async throws -> T
) async throws -> T {
    let binary = try QemuBinary.discover()
    let pid = try ProcessRunner.spawnDetached(binary.systemPath, arguments, logPath: log)
    do {
        let value = try await body(pid)
        await reap(pid)
        return value
    } catch {
        await reap(pid)
        throw error
    }
}

/// SIGKILLs `pid` (harmless if it already exited but is unreaped) and reaps it.
func reap(_ pid: pid_t) async {
    _ = kill(pid, SIGKILL)
    _ = try? await ProcessRunner.waitForExit(pid: pid)
}

/// Polls until `pid` no longer exists (for daemonized QEMU, which is not our child).
func waitUntilGone(_ pid: pid_t, within: Duration = .seconds(10)) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + within
    while clock.now < deadline {
        if !ProcessRunner.isAlive(pid: pid) { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return false
}
