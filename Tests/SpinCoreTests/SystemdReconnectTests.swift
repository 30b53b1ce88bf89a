import Foundation
import SpinCore
import SpinTestSupport
import Testing

@Suite("SystemdManager: reconnecting, enabling units", .serialized)
struct SystemdReconnectTests {
    @Test("after the manager is killed, calls say it is gone and name its socket; once it is back, the next call reconnects")
    func reconnectsAfterRestart() async throws {
        try await withPrivateSystemdManager { harness in
            try await withSystemd(harness) { systemd in
                _ = try await systemd.version()
                harness.crash()
                do throws(SpinError) {
                    _ = try await systemd.version()
                    Issue.record("a call succeeded with the manager gone")
                } catch {
                    #expect(error.code == .unavailable)
                    #expect(error.message.contains(harness.runtimeDirectory + "/systemd/private"), "\(error.message)")
                }
                try await harness.startAgain()
                #expect(try await systemd.version().hasPrefix("25"))
                // Job signals are subscribed again on the new connection: jobs complete.
                let unit = UnitFile(name: "spin-sleep.service", description: "sleeps", execStart: ["/bin/sleep", "1000"])
                try await install(unit, in: harness, on: systemd)
                #expect(try await systemd.startUnit(unit.name) == .done)
                #expect(try await systemd.status(of: unit.name).activeState == "active")
                #expect(try await systemd.stopUnit(unit.name) == .done)
            }
        }
    }

    @Test("EnableUnitFiles links a unit into default.target.wants, a restarted manager starts it, DisableUnitFiles unlinks it")
    func enableDisable() async throws {
        try await withPrivateSystemdManager { harness in
            try await withSystemd(harness) { systemd in
                let unit = UnitFile(name: "spin-auto.service", description: "autostarts", execStart: ["/bin/sleep", "1000"],
                                    wantedBy: ["default.target"])
                try await install(unit, in: harness, on: systemd)
                let link = harness.unitDirectory + "/default.target.wants/spin-auto.service"
                #expect(try await systemd.unitFileState(unit.name) == "disabled")
                try await systemd.enableUnitFiles([unit.name])
                try await systemd.enableUnitFiles([unit.name])  // twice is harmless
                #expect(try await systemd.unitFileState(unit.name) == "enabled")
                #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link))?.hasSuffix("/spin-auto.service") == true)

                harness.crash()
                try await harness.startAgain()
                let started = try await waitForStatus(of: unit.name, on: systemd, timeout: .seconds(30)) { $0.activeState == "active" }
                #expect(started.mainPID > 0)
                #expect(try await systemd.stopUnit(unit.name) == .done)

                try await systemd.disableUnitFiles([unit.name])
                #expect(try await systemd.unitFileState(unit.name) == "disabled")
                #expect(!FileManager.default.fileExists(atPath: link))
            }
        }
    }
}
