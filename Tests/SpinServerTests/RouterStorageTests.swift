import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Router: volumes and images")
struct RouterStorageTests {
    @Test("volumes: create, list, get, delete; a taken name is 409, a bad name 400, a missing one 404")
    func volumes() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter { client in
                let created = try await client.send(.post, "/v1/volumes", json: ["name": "vol1"])
                #expect(created.status == 201)
                #expect(created.object["path"] as? String == fixture.root.imagesPath + "/vol1")
                #expect(try await client.send(.get, "/v1/volumes").array.count == 1)
                #expect(try await client.send(.get, "/v1/volumes/vol1").status == 200)
                let again = try await client.send(.post, "/v1/volumes", json: ["name": "vol1"])
                #expect(again.status == 409 && again.errorCode == "conflict")
                let bad = try await client.send(.post, "/v1/volumes", json: ["name": "../etc"])
                #expect(bad.status == 400 && bad.errorCode == "invalid_argument")
                let relative = try await client.send(.post, "/v1/volumes", json: ["name": "vol2", "path": "relative/dir"])
                #expect(relative.status == 400)
                let missing = try await client.send(.get, "/v1/volumes/nope")
                #expect(missing.status == 404 && missing.errorCode == "not_found")
                let deleted = try await client.send(.delete, "/v1/volumes/vol1")
                #expect(deleted.status == 200 && deleted.object["directoryRemoved"] as? Bool == true)
                #expect(try await client.send(.delete, "/v1/volumes/vol1").status == 404)
            }
        }
    }

    @Test("images: create, list, get, copy, resize, move, delete, with their errors")
    func images() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter { client in
                _ = try await client.send(.post, "/v1/volumes", json: ["name": "vol1"])
                _ = try await client.send(.post, "/v1/volumes", json: ["name": "vol2"])
                let created = try await client.send(.post, "/v1/images", json: ["volume": "vol1", "name": "a.qcow2", "sizeBytes": 1_048_576])
                #expect(created.status == 201)
                #expect(created.object["format"] as? String == "qcow2")
                #expect(FileManager.default.fileExists(atPath: fixture.root.imagesPath + "/vol1/a.qcow2"))
                #expect(try await client.send(.get, "/v1/images?volume=vol1").array.count == 1)
                #expect(try await client.send(.get, "/v1/images/vol1/a.qcow2").status == 200)
                let zero = try await client.send(.post, "/v1/images", json: ["volume": "vol1", "name": "z.qcow2", "sizeBytes": 0])
                #expect(zero.status == 400)
                let negative = try await client.send(.post, "/v1/images", json: ["volume": "vol1", "name": "n.qcow2", "sizeBytes": -5])
                #expect(negative.status == 400)
                let noVolume = try await client.send(.post, "/v1/images", json: ["volume": "nope", "name": "a.qcow2", "sizeBytes": 1024])
                #expect(noVolume.status == 404)
                let escape = try await client.send(.post, "/v1/images", json: ["volume": "vol1", "name": "../x.qcow2", "sizeBytes": 1024])
                #expect(escape.status == 400)
                let copy = try await client.send(.post, "/v1/images/vol1/a.qcow2/copy", json: ["toVolume": "vol2", "toName": "b.raw", "format": "raw"])
                #expect(copy.status == 201)
                #expect(copy.object["format"] as? String == "raw")
                let grow = try await client.send(.post, "/v1/images/vol1/a.qcow2/resize", json: ["sizeBytes": 2_097_152])
                #expect(grow.status == 200)
                #expect(grow.object["sizeBytes"] as? Int == 2_097_152)
                // Sizes qemu-img would refuse only when it runs are bad input, not a failed action.
                let huge = try await client.send(.post, "/v1/images/vol1/a.qcow2/resize", json: ["sizeBytes": Int64.max])
                #expect(huge.status == 400 && huge.errorCode == "invalid_argument")
                let hugeNew = try await client.send(.post, "/v1/images", json: ["volume": "vol1", "name": "h.qcow2", "sizeBytes": Int64.max])
                #expect(hugeNew.status == 400)
                let shrink = try await client.send(.post, "/v1/images/vol1/a.qcow2/resize", json: ["sizeBytes": 1024])
                #expect(shrink.status == 409 && shrink.errorCode == "failed_precondition")
                let move = try await client.send(.post, "/v1/images/vol1/a.qcow2/move", json: ["toVolume": "vol2", "toName": "c.qcow2"])
                #expect(move.status == 200)
                #expect(try await client.send(.get, "/v1/images/vol1/a.qcow2").status == 404)
                #expect(try await client.send(.delete, "/v1/images/vol2/c.qcow2").status == 204)
                let busy = try await client.send(.delete, "/v1/volumes/vol2")
                #expect(busy.status == 409)
                #expect(try await client.send(.delete, "/v1/volumes/vol2?force=true").status == 200)
            }
        }
    }
}
