import Foundation
import SpinCore
import SpinTestSupport
import Testing

@Suite("Events: VM state changes are event-driven under both supervisors", .serialized)
struct VMEventTests {
    @Test("SIGKILL of a running guest's qemu is a `crashed` event within a second, long before the safety sweep", arguments: SupervisorUnderTest.allCases)
    func crashEvent(_ kind: SupervisorUnderTest) async throws {
        try await SystemTestEnvironment.with(kind) { env in
            let spin = env.spin
            let vm = try await spin.createVM(VMSpec(
                name: "watched", cpus: 1, memoryMiB: 256,
                kernel: DirectBoot(kernel: env.guests.kernel, initrd: env.guests.initrd, append: TestGuests.append),
                stopTimeoutSeconds: 2))
            try await spin.startVM("watched")
            // The safety sweep is a minute away: only the watch can report the crash in time.
            let events = spin.events(vmID: vm.id, pollInterval: .seconds(60))
            let crashed = Task { () -> ContinuousClock.Instant? in
                for await event in events where event.state == VMState.crashed.rawValue { return ContinuousClock.now }
                return nil
            }
            // Let the first sweep learn the state and arm the watch.
            try await Task.sleep(for: .milliseconds(500))
            let pid = try #require(try await spin.status("watched").process.pid)
            let killed = ContinuousClock.now
            kill(pid, SIGKILL)
            let watchdog = Task {
                try await Task.sleep(for: .seconds(10))
                crashed.cancel()
            }
            let seen = await crashed.value
            watchdog.cancel()
            let at = try #require(seen, "no crashed event within 10 s")
            #expect(at - killed < .seconds(1), "crashed reported \(at - killed) after SIGKILL")
        }
    }
}
