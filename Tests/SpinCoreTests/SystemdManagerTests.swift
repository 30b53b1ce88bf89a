import Foundation
import SpinCore
import SpinTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("SystemdManager against a real systemd --user", .serialized)
struct SystemdManagerTests {
    @Test("connects over the private socket, reads the version and reloads")
    func connectsAndReloads() async throws {
        try await withPrivateSystemdManager { harness in
            try await withSystemd(harness) { systemd in
                let version = try await systemd.version()
                #expect(version.hasPrefix("252"))
                try await systemd.reload()
            }
            #expect(await SystemdManager.isReachable(harness.scope))
        }
    }

    @Test("a missing manager is unreachable and connecting names it")
    func missingManager() async throws {
        let scope = SystemdScope.user(runtimeDirectory: "/var/tmp/spin-no-such-runtime-dir")
        #expect(await !SystemdManager.isReachable(scope))
        do {
            _ = try await SystemdManager.connect(scope: scope)
            Issue.record("connected to a manager that does not exist")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.message.contains("spin-no-such-runtime-dir"))
        }
    }

    @Test("starts and stops a unit, waiting for its jobs, and reports its status")
    func startsAndStops() async throws {
        try await withPrivateSystemdManager { harness in
            try await withSystemd(harness) { systemd in
                let unit = UnitFile(name: "spin-sleep.service", description: "sleeps", execStart: ["/bin/sleep", "1000"])
                try await install(unit, in: harness, on: systemd)

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

    @Test("a unit that exits with code 3 is failed with ExecMainStatus 3")
    func exitCode() async throws {
        try await withPrivateSystemdManager { harness in
            try await withSystemd(harness) { systemd in
                let unit = UnitFile(name: "spin-exit3.service", description: "exits 3", execStart: ["/bin/sh", "-c", "exit 3"])
                try await install(unit, in: harness, on: systemd)
                #expect(try await systemd.startUnit(unit.name) == .done)
                let status = try await waitForStatus(of: unit.name, on: systemd) { !$0.isActive && $0.activeState != "activating" }
                #expect(status.activeState == "failed")
                #expect(status.subState == "failed")
                #expect(status.result == "exit-code")
                #expect(status.execMainCode == 1)
                #expect(status.execMainStatus == 3)
                #expect(status.mainPID == 0)

                try await systemd.resetFailedUnit(unit.name)
                #expect(try await systemd.status(of: unit.name).activeState == "inactive")
            }
        }
    }

    @Test("starting a unit that does not exist fails naming the unit and the systemd error")
    func unknownUnit() async throws {
        try await withPrivateSystemdManager { harness in
            try await withSystemd(harness) { systemd in
                let error = await #expect(throws: SpinError.self) {
                    _ = try await systemd.startUnit("spin-nope.service")
                }
                #expect(error?.code == .notFound)
                #expect(error?.message.contains("spin-nope.service") == true)
                #expect(error?.message.contains("org.freedesktop.systemd1.NoSuchUnit") == true)
                let status = try await systemd.status(of: "spin-nope.service")
                #expect(status.loadState == "not-found")
                #expect(status.activeState == "inactive")
            }
        }
    }
}
