import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Router: VM snapshots")
struct RouterSnapshotTests {
    @Test("create, list, revert and delete a stopped VM's snapshot over HTTP; a taken name 409, a bad name 400, a missing one 404")
    func snapshotCycle() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter { client in
                _ = try await client.send(.post, "/v1/volumes", json: ["name": "vol1"])
                let spec: [String: Any] = [
                    "name": "web",
                    "storage": [["kind": "disk", "volume": "vol1", "image": "web.qcow2"]],
                    "newImages": [["volume": "vol1", "name": "web.qcow2", "sizeBytes": 1_048_576]],
                ]
                #expect(try await client.send(.post, "/v1/vms", json: spec).status == 201)
                let created = try await client.send(.post, "/v1/vms/web/snapshots", json: ["name": "s1"])
                #expect(created.status == 201, "\(created.text)")
                #expect(created.object["state"] as? String == "ready" && created.object["memory"] as? Bool == false)
                #expect((created.object["disks"] as? [[String: Any]])?.first?["name"] as? String == "vol1/web.qcow2")
                let taken = try await client.send(.post, "/v1/vms/web/snapshots", json: ["name": "s1"])
                #expect(taken.status == 409 && taken.errorCode == "conflict")
                #expect(try await client.send(.post, "/v1/vms/web/snapshots", json: ["name": "1"]).status == 400)
                let memory = try await client.send(.post, "/v1/vms/web/snapshots", json: ["name": "m", "memory": true])
                #expect(memory.status == 409 && memory.errorCode == "failed_precondition", "\(memory.text)")
                let listed = try await client.send(.get, "/v1/vms/web/snapshots")
                #expect(listed.status == 200 && listed.array.count == 1)
                #expect(try await client.send(.post, "/v1/vms/web/snapshots/s1/revert").status == 200)
                #expect(try await client.send(.post, "/v1/vms/web/snapshots/nope/revert").status == 404)
                #expect(try await client.send(.post, "/v1/vms/web/snapshots/a..b/revert").status == 400)
                #expect(try await client.send(.delete, "/v1/vms/web/snapshots/s1").status == 204)
                #expect(try await client.send(.delete, "/v1/vms/web/snapshots/s1").status == 404)
                #expect(try await client.send(.get, "/v1/vms/web/snapshots").array.isEmpty)
                #expect(try await client.send(.get, "/v1/vms/nope/snapshots").status == 404)
            }
        }
    }
}
