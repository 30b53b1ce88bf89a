import Foundation
import SpinClient
import SpinCore
import SpinServer
import SpinTestSupport
import Testing

@Suite("Live: the client drives a real guest through the server", .serialized)
struct LiveClientTests {
    @Test("create, start, pause, resume, stop and delete a guest over the socket; events show each state")
    func guestLifecycle() async throws {
        let guests = try TestGuests.locate()
        try await ServerFixture.with { fixture in
            let server = try await LiveServer.start(fixture, listen: .unix(path: fixture.socketPath))
            let remote = try SpinRemote(endpoint: server.endpoint)
            let spec = VMSpec(
                name: "guest", memoryMiB: 256,
                kernel: DirectBoot(kernel: guests.kernel, initrd: guests.initrd, append: TestGuests.append),
                stopTimeoutSeconds: 5)
            let vm = try await remote.createVM(spec)
            let events = try await remote.events(vm: "guest")
            let seen = Task {
                var states: [String] = []
                for try await event in events where event.kind == .vmState {
                    states.append(event.state)
                    if event.state == "stopped" { break }
                }
                return states
            }
            #expect(try await remote.startVM("guest").state == .running)
            #expect(try await remote.pauseVM("guest").state == .paused)
            #expect(try await remote.resumeVM("guest").state == .running)
            let fetched = try await remote.vmWithStatus(String(vm.id))
            #expect(fetched.vm.name == "guest")
            #expect(fetched.status?.state == .running)
            let updated = try await remote.updateVM("guest") { $0.labels["tier"] = "test" }
            #expect(updated.labels == ["tier": "test"])
            #expect(try await remote.stopVM("guest", timeoutSeconds: 5).state == .stopped)
            let watchdog = Task { try await Task.sleep(for: .seconds(20)); seen.cancel() }
            let states = (try? await seen.value) ?? []
            watchdog.cancel()
            #expect(states.contains("running"))
            #expect(states.contains("paused"))
            #expect(states.last == "stopped")
            try await remote.deleteVM("guest")
            #expect(try await remote.listVMs().isEmpty)
            try await remote.close()
            await server.stop()
        }
    }
}
