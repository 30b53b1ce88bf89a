import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Router: VMs and their drives")
struct RouterVMTests {
    @Test("create, list, get with live status, update, attach, list drives, detach, delete")
    func vmCycle() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter { client in
                _ = try await client.send(.post, "/v1/volumes", json: ["name": "vol1"])
                let spec: [String: Any] = [
                    "name": "web", "cpus": 2,
                    "storage": [["kind": "disk", "volume": "vol1", "image": "web.qcow2"], ["kind": "cdrom", "path": "/srv/x.iso"]],
                    "newImages": [["volume": "vol1", "name": "web.qcow2", "sizeBytes": 1_048_576]],
                    "ports": [["guestPort": 80, "hostAddress": "127.0.0.1", "hostPort": 18080]],
                ]
                let created = try await client.send(.post, "/v1/vms", json: spec)
                #expect(created.status == 201, "\(created.text)")
                let id = try #require(created.object["id"] as? Int)
                #expect(created.object["memoryMiB"] as? Int == 512)
                #expect(try await client.send(.get, "/v1/vms").array.count == 1)
                let got = try await client.send(.get, "/v1/vms/web")
                #expect(got.status == 200)
                #expect((got.object["status"] as? [String: Any])?["state"] as? String == "stopped")
                let status = try await client.send(.get, "/v1/vms/\(id)/status")
                #expect(status.object["state"] as? String == "stopped")
                let updated = try await client.send(.patch, "/v1/vms/\(id)", json: ["cpus": 4, "labels": ["role": "web"]])
                #expect(updated.status == 200)
                #expect(updated.object["cpus"] as? Int == 4)
                let badUpdate = try await client.send(.patch, "/v1/vms/\(id)", json: ["cpus": 0])
                #expect(badUpdate.status == 400)
                let attached = try await client.send(.post, "/v1/vms/web/images", json: ["attachment": ["kind": "cdrom", "path": "/srv/y.iso"]])
                #expect(attached.status == 200)
                #expect(try await client.send(.get, "/v1/vms/web/images").array.count == 3)
                let detached = try await client.send(.delete, "/v1/vms/web/images/2")
                #expect(detached.status == 200)
                #expect((detached.object["storage"] as? [Any])?.count == 2)
                let badIndex = try await client.send(.delete, "/v1/vms/web/images/9")
                #expect(badIndex.status == 400 || badIndex.status == 404)
                #expect(try await client.send(.delete, "/v1/vms/web").status == 204)
                #expect(try await client.send(.get, "/v1/vms/web").status == 404)
                #expect(try await client.send(.get, "/v1/images").array.isEmpty)
            }
        }
    }

    @Test("VM errors: a bad spec is 400, a taken name 409, a missing VM 404 for every verb")
    func vmErrors() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter { client in
                #expect(try await client.send(.post, "/v1/vms", json: ["name": "1bad"]).status == 400)
                #expect(try await client.send(.post, "/v1/vms", json: ["name": "a", "memoryMiB": 1]).status == 400)
                #expect(try await client.send(.post, "/v1/vms", json: ["name": "a", "storage": [["kind": "disk"]]]).status == 400)
                #expect(try await client.send(.post, "/v1/vms", json: ["name": "a", "storage": [["kind": "floppy"]]]).status == 400)
                #expect(try await client.send(.post, "/v1/vms", json: ["name": "a"]).status == 201)
                let taken = try await client.send(.post, "/v1/vms", json: ["name": "a"])
                #expect(taken.status == 409 && taken.errorCode == "conflict")
                for verb in ["start", "stop", "shutdown", "restart", "pause", "resume"] {
                    let reply = try await client.send(.post, "/v1/vms/nope/\(verb)")
                    #expect(reply.status == 404, "\(verb)")
                    #expect(reply.errorCode == "not_found", "\(verb)")
                }
                #expect(try await client.send(.get, "/v1/vms/nope/status").status == 404)
                #expect(try await client.send(.patch, "/v1/vms/nope", json: ["cpus": 2]).status == 404)
                #expect(try await client.send(.delete, "/v1/vms/nope").status == 404)
                #expect(try await client.send(.get, "/v1/vms/nope/images").status == 404)
                let badTimeout = try await client.send(.post, "/v1/vms/a/stop?timeoutSeconds=3601")
                #expect(badTimeout.status == 400)
            }
        }
    }
}
