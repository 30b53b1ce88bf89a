import Foundation
import SpinCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("SystemdManager against a real systemd --user", .serialized)
struct SystemdManagerTests {
    @Test("connects over the private socket, reads the version and reloads")
    func connectsAndReloads() async throws {
        try await withPrivateSystemdManager { harness in
            let systemd = try await SystemdManager.connect(scope: harness.scope, timeout: .seconds(10))
            let version = try await systemd.version()
            #expect(version.hasPrefix("252"))
            try await systemd.reload()
            #expect(await SystemdManager.isReachable(harness.scope))
            await systemd.close()
        }
    }

    @Test("starts and stops a unit, waiting for its jobs, and reports its status")
    func startsAndStops() async throws {
        try await withPrivateSystemdManager { harness in
            let systemd = try await SystemdManager.connect(scope: harness.scope, timeout: .seconds(10))
            defer { Task { await systemd.close() } }
            let unit = UnitFile(name: "spin-sleep.service", description: "sleeps", execStart: ["/bin/sleep", "1000"])
            #expect(try UnitFileWriter.write(unit, to: harness.unitDirectory))
            try await systemd.reload()

            #expect(try await systemd.startUnit(unit.name) == .done)
            let running = try await systemd.status(of: unit.name)
            #expect(running.loadState == "loaded")
            #expect(running.activeState == "active")
            #expect(running.subState == "running")
            #expect(running.mainPID > 0)

            #expect(try await systemd.stopUnit(unit.name) == .done)
            let stopped = try await systemd.status(of: unit.name)
            #expect(stopped.activeState == "inactive")
            #expect(stopped.mainPID == 0)
            #expect(kill(pid_t(running.mainPID), 0) != 0)
        }
    }
}
