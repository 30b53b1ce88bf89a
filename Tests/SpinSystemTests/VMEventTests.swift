import Foundation
import SpinCore
import SpinTestSupport
import Testing

@Suite("Events: VM state changes are event-driven under both supervisors", .serialized)
struct VMEventTests {
    @Test("SIGKILL of a running guest's qemu is a `crashed` event on every open stream, with the safety sweep an hour away", arguments: SupervisorUnderTest.allCases)
    func crashEvent(_ kind: SupervisorUnderTest) async throws {
        try await SystemTestEnvironment.with(kind) { env in
            let spin = env.spin
            let vm = try await spin.createVM(VMSpec(
                name: "watched", cpus: 1, memoryMiB: 256,
                kernel: DirectBoot(kernel: env.guests.kernel, initrd: env.guests.initrd, append: TestGuests.append),
                stopTimeoutSeconds: 2))
            try await spin.startVM("watched")
            // The safety sweep is an hour away: only the crash watch can report the crash. Two
            // streams follow the VM (the direct supervisor's watch socket serves one client, so
            // they must share one watch), one for this VM only and one for all.
            let streams = [spin.events(vmID: vm.id, pollInterval: .seconds(3600)), spin.events(pollInterval: .seconds(3600))]
            let crashed = streams.map { events in
                Task { () -> Bool in
                    for await event in events where event.vmID == vm.id && event.state == VMState.crashed.rawValue { return true }
                    return false
                }
            }
            // Let the first sweeps learn the state and arm the watch.
            try await Task.sleep(for: .milliseconds(500))
            let pid = try #require(try await spin.status("watched").process.pid)
            kill(pid, SIGKILL)
            let watchdog = Task {
                try await Task.sleep(for: .seconds(30))
                for task in crashed { task.cancel() }
            }
            for (index, task) in crashed.enumerated() {
                #expect(await task.value, "stream \(index) saw no crashed event")
            }
            watchdog.cancel()
        }
    }
}
