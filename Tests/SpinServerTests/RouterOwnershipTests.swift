import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Router: spin touches only files it made")
struct RouterOwnershipTests {
    @Test("a foreign file survives POST /v1/images (409 naming it), DELETE of its image, a move onto it and DELETE /v1/volumes?force=true")
    func foreignFileSurvives() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter { client in
                _ = try await client.send(.post, "/v1/volumes", json: ["name": "vol1"])
                let volume = fixture.root.imagesPath + "/vol1"
                let foreign = volume + "/web.qcow2"
                let bytes = Data("not spin's\n".utf8)
                #expect(FileManager.default.createFile(atPath: foreign, contents: bytes))

                let create = try await client.send(.post, "/v1/images", json: ["volume": "vol1", "name": "web.qcow2", "sizeBytes": 1_048_576])
                #expect(create.status == 409 && create.errorCode == "conflict")
                let message = (create.object["error"] as? [String: Any])?["message"] as? String
                #expect(message?.contains(foreign + " exists and was not made by spin") == true)
                #expect(try await client.send(.get, "/v1/images/vol1/web.qcow2").status == 404)

                #expect(try await client.send(.post, "/v1/images", json: ["volume": "vol1", "name": "a.qcow2", "sizeBytes": 1_048_576]).status == 201)
                let move = try await client.send(.post, "/v1/images/vol1/a.qcow2/move", json: ["toVolume": "vol1", "toName": "web.qcow2"])
                #expect(move.status == 409 && move.errorCode == "conflict")

                // The record's file replaced by someone else's: DELETE is refused and both stay.
                try FileManager.default.removeItem(atPath: volume + "/a.qcow2")
                #expect(FileManager.default.createFile(atPath: volume + "/a.qcow2", contents: bytes))
                let delete = try await client.send(.delete, "/v1/images/vol1/a.qcow2")
                #expect(delete.status == 409 && delete.errorCode == "conflict")
                #expect(FileManager.default.contents(atPath: volume + "/a.qcow2") == bytes)
                #expect(try await client.send(.get, "/v1/images/vol1/a.qcow2").status == 200)
                try FileManager.default.removeItem(atPath: volume + "/a.qcow2")
                #expect(try await client.send(.delete, "/v1/images/vol1/a.qcow2").status == 204)

                #expect(try await client.send(.post, "/v1/images", json: ["volume": "vol1", "name": "b.qcow2", "sizeBytes": 1_048_576]).status == 201)
                let gone = try await client.send(.delete, "/v1/volumes/vol1?force=true")
                #expect(gone.status == 200)
                #expect(gone.object["directoryRemoved"] as? Bool == false)
                #expect((gone.object["note"] as? String)?.contains("\"web.qcow2\"") == true)
                #expect(FileManager.default.contents(atPath: foreign) == bytes)
                #expect(try FileManager.default.contentsOfDirectory(atPath: volume) == ["web.qcow2"])
                #expect(try await client.send(.get, "/v1/volumes/vol1").status == 404)
            }
        }
    }
}
