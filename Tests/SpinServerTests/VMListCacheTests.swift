import Foundation
import Hummingbird
import HummingbirdTesting
import SpinCore
import SpinQemu
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
                let updated = try await ProcessRunner.run(spin, ["vm", "update", "a", "--cpus", "3", "--root", fixture.root.path], check: false)
                #expect(updated.termination == .exited(0), "\(updated.standardErrorText)")
                let list = try await client.send(.get, "/v1/vms").array.compactMap { $0 as? [String: Any] }
                #expect(list.map { $0["name"] as? String } == ["a", "b"])
                #expect(list.first?["cpus"] as? Int == 3)

                // A query string is not the cached list.
                #expect(try await client.send(.get, "/v1/vms?x=1").status == 200)
            }
        }
    }
}

extension VMListCacheTests {
    @Test("GET /v1/vms/{ref} reuses its encoding only while the record and the live status are unchanged")
    func vmGetFollowsRecordAndStatus() async throws {
        try await ServerFixture.with(runsAgents: true) { fixture in
            let vm = try await fixture.spin.createVM(VMSpec(name: "web"))
            try await fixture.withRouter { client in
                let first = try await client.send(.get, "/v1/vms/web")
                let again = try await client.send(.get, "/v1/vms/web")
                #expect(first.status == 200 && first.text == again.text)
                #expect((again.object["status"] as? [String: Any])?["state"] as? String == "stopped")

                // A change of the record (a commit) shows at once.
                _ = try await client.send(.patch, "/v1/vms/web", json: ["cpus": 3])
                #expect(try await client.send(.get, "/v1/vms/web").object["cpus"] as? Int == 3)

                // A change of the live status without any commit: qemu "ran" (an identity
                // file for a process that is gone, and no clean-stop marker) — crashed.
                let identity = RuntimePaths(root: fixture.root, vmID: vm.id).vmDirectory + "/identity.json"
                try FileManager.default.createDirectory(atPath: (identity as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try #"{"pid":2147483000,"startTime":1}"#.write(toFile: identity, atomically: true, encoding: .utf8)
                let crashed = try await client.send(.get, "/v1/vms/web")
                #expect((crashed.object["status"] as? [String: Any])?["state"] as? String == "crashed", "\(crashed.text)")
                try FileManager.default.removeItem(atPath: identity)
                let back = try await client.send(.get, "/v1/vms/\(vm.id)")
                #expect((back.object["status"] as? [String: Any])?["state"] as? String == "stopped")
                #expect(try await client.send(.get, "/v1/vms/ghost").status == 404)
            }
        }
    }
}
