import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Router: cloud-init settings and commands in the guest")
struct RouterGuestTests {
    @Test("a VM created with cloudInit gets an instance id, the root's key and a 127.0.0.1 forward to port 22; an update keeps its instance id")
    func cloudInitVM() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter { client in
                let created = try await client.send(.post, "/v1/vms", json: ["name": "web", "cloudInit": ["authorizedKeys": ["ssh-ed25519 AAAAC3Nz me@laptop"]]])
                #expect(created.status == 201, "\(created.text)")
                let settings = try #require(created.object["cloudInit"] as? [String: Any])
                let keys = try #require(settings["authorizedKeys"] as? [String])
                #expect(keys.count == 2 && keys.contains("ssh-ed25519 AAAAC3Nz me@laptop") && keys[0].hasPrefix("ssh-ed25519 AAAA"))
                #expect(settings["userName"] as? String == "spin")
                let instance = try #require(settings["instanceID"] as? String)
                let ports = try #require(created.object["ports"] as? [[String: Any]])
                #expect(ports.count == 1 && ports[0]["guestPort"] as? Int == 22 && ports[0]["hostAddress"] as? String == "127.0.0.1")
                #expect(FileManager.default.fileExists(atPath: fixture.root.vmDirectory(id: 1) + "/seed.iso"))

                let updated = try await client.send(.patch, "/v1/vms/web", json: ["cloudInit": ["userName": "ops", "authorizedKeys": keys]])
                #expect(updated.status == 200, "\(updated.text)")
                let after = try #require(updated.object["cloudInit"] as? [String: Any])
                #expect(after["userName"] as? String == "ops" && after["instanceID"] as? String == instance)
                let removed = try await client.send(.patch, "/v1/vms/web", json: ["removeCloudInit": true])
                #expect(removed.object["cloudInit"] == nil)
                #expect(!FileManager.default.fileExists(atPath: fixture.root.vmDirectory(id: 1) + "/seed.iso"))

                #expect(try await client.send(.post, "/v1/vms", json: ["name": "bad", "cloudInit": ["authorizedKeys": ["-----BEGIN OPENSSH PRIVATE KEY-----"]]]).status == 400)
                #expect(try await client.send(.post, "/v1/vms", json: ["name": "bad", "cloudInit": ["userName": "Root"]]).status == 400)
            }
        }
    }

    @Test("exec: a stopped VM is 409, an unknown one 404, a bad request 400; a VM's GET has no guest while stopped")
    func execErrors() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter { client in
                #expect(try await client.send(.post, "/v1/vms", json: ["name": "web"]).status == 201)
                let stopped = try await client.send(.post, "/v1/vms/web/exec", json: ["argv": ["true"]])
                #expect(stopped.status == 409 && stopped.text.contains("spin start"), "\(stopped.text)")
                #expect(try await client.send(.post, "/v1/vms/nope/exec", json: ["argv": ["true"]]).status == 404)
                #expect(try await client.send(.post, "/v1/vms/web/exec", json: ["argv": []]).status == 400)
                #expect(try await client.send(.post, "/v1/vms/web/exec", json: ["argv": ["cat"], "stdin": "%%%", "stdinEncoding": "base64"]).status == 400)
                #expect(try await client.send(.post, "/v1/vms/web/exec", json: ["argv": ["true"], "timeoutSeconds": 0]).status == 400)
                #expect(try await client.send(.get, "/v1/vms/web").object["guest"] == nil)
            }
        }
    }
}
