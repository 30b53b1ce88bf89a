import Foundation
import Hummingbird
import HummingbirdTesting
import SpinCore
import SpinTestSupport
import Testing

/// `GET /v1/vms` is served from the last encoded list until the store commits anything —
/// through this server, the SDK in this process, or another process.
@Suite("Router: the VM list cache follows every commit")
struct VMListCacheTests {
    @Test("repeated lists are identical; a change through HTTP, the SDK or another process shows at once")
    func invalidatesOnEveryCommit() async throws {
        try await ServerFixture.with(runsAgents: true) { fixture in
            try await fixture.withRouter { client in
                #expect(try await client.send(.get, "/v1/vms").array.isEmpty)
                _ = try await client.send(.post, "/v1/vms", json: ["name": "a"])
                let first = try await client.send(.get, "/v1/vms")
                let again = try await client.send(.get, "/v1/vms")
                #expect(first.text == again.text)
                #expect(first.array.count == 1)
                #expect(again.status == 200)

                _ = try await fixture.spin.createVM(VMSpec(name: "b"))
                #expect(try await client.send(.get, "/v1/vms").array.count == 2)

                // Another process (the embedded CLI) writes the same store.
                let spin = try BuiltExecutables.path("spin")
                let updated = try await ProcessOutcome.run(spin, ["vm", "update", "a", "--cpus", "3", "--root", fixture.root.path])
                #expect(updated == 0)
                let list = try await client.send(.get, "/v1/vms").array.compactMap { $0 as? [String: Any] }
                #expect(list.map { $0["name"] as? String } == ["a", "b"])
                #expect(list.first?["cpus"] as? Int == 3)

                // A query string is not the cached list.
                #expect(try await client.send(.get, "/v1/vms?x=1").status == 200)
            }
        }
    }
}

/// Runs a program to its end; its exit status.
private enum ProcessOutcome {
    static func run(_ executable: String, _ arguments: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
