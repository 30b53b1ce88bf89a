import Foundation
import SpinCore
import SpinTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("SystemdManager signals, kills and timeouts against a real systemd --user", .serialized)
struct SystemdSignalTests {
    @Test("the status stream sees a unit go from active to failed when its main process is SIGKILLed")
    func noticesCrash() async throws {
        try await withPrivateSystemdManager { harness in
            try await withSystemd(harness) { systemd in
                let unit = UnitFile(name: "spin-crash.service", description: "crashes", execStart: ["/bin/sleep", "1000"])
                try await install(unit, in: harness, on: systemd)
                #expect(try await systemd.startUnit(unit.name) == .done)

                let stream = try await systemd.statusChanges(of: unit.name)
                var iterator = stream.makeAsyncIterator()
                let first = try #require(await iterator.next())
                #expect(first.activeState == "active")
                #expect(first.mainPID > 0)

                let clock = ContinuousClock()
                let killedAt = clock.now
                #expect(kill(pid_t(first.mainPID), SIGKILL) == 0)
                var seen = first
                while !seen.isFailed, let next = await iterator.next() { seen = next }
                let latency = clock.now - killedAt
                let ms = Double(latency.components.attoseconds) / 1e15 + Double(latency.components.seconds) * 1000
                print("crash notice latency: \(String(format: "%.2f", ms)) ms (SIGKILL → ActiveState=failed via PropertiesChanged)")

                #expect(seen.activeState == "failed")
                #expect(seen.result == "signal")
                #expect(seen.execMainCode == 2)
                #expect(seen.execMainStatus == SIGKILL)
                #expect(latency < .seconds(2))
            }
        }
    }

    @Test("KillUnit with SIGTERM ends a unit cleanly; with SIGKILL it fails")
    func killUnit() async throws {
        try await withPrivateSystemdManager { harness in
            try await withSystemd(harness) { systemd in
                let unit = UnitFile(name: "spin-kill.service", description: "killed", execStart: ["/bin/sleep", "1000"])
                try await install(unit, in: harness, on: systemd)

                #expect(try await systemd.startUnit(unit.name) == .done)
                try await systemd.killUnit(unit.name, signal: SIGTERM)
                let terminated = try await waitForStatus(of: unit.name, on: systemd) { !$0.isActive }
                #expect(terminated.activeState == "inactive")
                #expect(terminated.result == "success")

                #expect(try await systemd.startUnit(unit.name) == .done)
                try await systemd.killUnit(unit.name, whom: "main", signal: SIGKILL)
                let killed = try await waitForStatus(of: unit.name, on: systemd) { $0.isFailed }
                #expect(killed.result == "signal")
                #expect(killed.execMainStatus == SIGKILL)
            }
        }
    }

    @Test("waiting for a job gives up after the timeout; systemd's stop timeout then SIGKILLs")
    func stopTimeouts() async throws {
        try await withPrivateSystemdManager { harness in
            try await withSystemd(harness) { systemd in
                let ready = harness.root + "/stubborn-ready"
                let unit = UnitFile(
                    name: "spin-stubborn.service", description: "ignores SIGTERM",
                    execStart: ["/bin/sh", "-c", "trap '' TERM; : > \"$0\"; while :; do sleep 0.1; done", ready],
                    timeoutStop: .seconds(2), killMode: .mixed)
                try await install(unit, in: harness, on: systemd)
                #expect(try await systemd.startUnit(unit.name) == .done)
                // The job is done once systemd forked; SIGTERM is ignored only after the trap.
                while !FileManager.default.fileExists(atPath: ready) { try await Task.sleep(for: .milliseconds(10)) }

                let error = await #expect(throws: SpinError.self) {
                    _ = try await systemd.stopUnit(unit.name, timeout: .milliseconds(200))
                }
                #expect(error?.code == .timeout)
                #expect(error?.message.contains("stop spin-stubborn.service") == true)
                let final = try await waitForStatus(of: unit.name, on: systemd, timeout: .seconds(10)) { $0.isFailed }
                #expect(final.result == "timeout")
            }
        }
    }

    @Test("calls fail as unavailable once the manager is gone")
    func managerGone() async throws {
        let harness = try await PrivateSystemdManager.start()
        let systemd = try await SystemdManager.connect(scope: harness.scope, timeout: .seconds(5))
        let stream = try await systemd.statusChanges(of: "default.target")
        await harness.stop()
        for await _ in stream {}  // ends when the connection drops
        do {
            _ = try await systemd.version()
            Issue.record("a call succeeded after the manager exited")
        } catch {
            #expect(error.code == .unavailable)
        }
    }
}
