import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Router: packages, commands and queues")
struct RouterBrokerTests {
    @Test("new package, add a command, enqueue, wait, read package and command")
    func packageCycle() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter { client in
                let package = try await client.send(.post, "/v1/packages")
                #expect(package.status == 201)
                let id = try #require(package.object["id"] as? Int)
                let path = fixture.directory + "/made-by-package"
                // Agents act only in registered volumes, for raw commands too.
                try await fixture.spin.registry.createVolume(name: "bypackage", path: path)
                let command = try await client.send(.post, "/v1/packages/\(id)/commands", json: [
                    "resource": "storage", "action": "add_volume", "parameters": ["volumePath": path],
                ])
                #expect(command.status == 201, "\(command.text)")
                let commandID = try #require(command.object["id"] as? String)
                #expect(try await client.send(.post, "/v1/packages/\(id)/enqueue").status == 200)
                let done = try await client.send(.get, "/v1/packages/\(id)/wait?timeoutSeconds=30")
                #expect(done.status == 200)
                #expect((done.object["package"] as? [String: Any])?["state"] as? String == "succeeded")
                #expect(FileManager.default.fileExists(atPath: path))
                let record = try await client.send(.get, "/v1/commands/\(commandID)")
                #expect(record.object["state"] as? String == "succeeded")
                #expect(try await client.send(.get, "/v1/packages/\(id)").status == 200)
            }
        }
    }

    @Test("broker errors: unknown action 400, missing package 404, bad uuid 400, lost lease 409, empty queue 204")
    func brokerErrors() async throws {
        try await ServerFixture.with(runsAgents: false) { fixture in
            try await fixture.withRouter { client in
                let id = try #require(try await client.send(.post, "/v1/packages").object["id"] as? Int)
                let unknown = try await client.send(.post, "/v1/packages/\(id)/commands", json: ["resource": "storage", "action": "explode", "parameters": [:]])
                #expect(unknown.status == 400)
                #expect(try await client.send(.get, "/v1/packages/999999").status == 404)
                #expect(try await client.send(.get, "/v1/packages/0").status == 400)
                #expect(try await client.send(.get, "/v1/commands/not-a-uuid").status == 400)
                #expect(try await client.send(.get, "/v1/commands/\(UUID().uuidString)").status == 404)
                let empty = try await client.send(.post, "/v1/queues/storage/next?waitSeconds=0")
                #expect(empty.status == 204)
                // A real lease, then a renewal with the wrong token.
                let path = fixture.directory + "/v"
                let command = try await client.send(.post, "/v1/packages/\(id)/commands", json: [
                    "resource": "storage", "action": "add_volume", "parameters": ["volumePath": path],
                ])
                let commandID = try #require(command.object["id"] as? String)
                _ = try await client.send(.post, "/v1/packages/\(id)/enqueue")
                let lease = try await client.send(.post, "/v1/queues/storage/next?waitSeconds=5&leaseSeconds=30")
                #expect(lease.status == 200)
                let token = try #require(lease.object["token"] as? String)
                let wrong = try await client.send(.post, "/v1/commands/\(commandID)/renew", json: ["token": UUID().uuidString])
                #expect(wrong.status == 409 && wrong.errorCode == "failed_precondition")
                #expect(try await client.send(.post, "/v1/commands/\(commandID)/renew", json: ["token": token]).status == 200)
                let completed = try await client.send(.post, "/v1/commands/\(commandID)/complete", json: ["token": token, "success": true])
                #expect(completed.object["changed"] as? Bool == true)
                let again = try await client.send(.post, "/v1/commands/\(commandID)/complete", json: ["token": token, "success": true])
                #expect(again.object["changed"] as? Bool == false)
                let waited = try await client.send(.get, "/v1/packages/\(id)/wait?timeoutSeconds=5")
                #expect((waited.object["package"] as? [String: Any])?["state"] as? String == "succeeded")
            }
        }
    }
}
