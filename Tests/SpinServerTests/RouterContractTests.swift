import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The OpenAPI document is the contract: undeclared methods are 405 with `Allow`, path and
/// query parameters are held to their schemas.
@Suite("Router: the document's methods and parameter rules")
struct RouterContractTests {
    @Test("an undeclared method on a declared path is 405 with Allow listing the declared ones")
    func methodNotAllowed() async throws {
        try await ServerFixture.with(runsAgents: false) { fixture in
            try await fixture.withRouter { client in
                let put = try await client.execute(uri: "/v1/vms/1", method: .put, headers: [:], body: nil) { $0 }
                #expect(put.status == .methodNotAllowed)
                #expect(put.headers[.allow] == "GET, PATCH, DELETE")
                #expect(String(buffer: put.body).contains("method_not_allowed"))
                let list = try await client.execute(uri: "/v1/vms", method: .delete, headers: [:], body: nil) { $0 }
                #expect(list.status == .methodNotAllowed && list.headers[.allow] == "GET, POST")
                let start = try await client.execute(uri: "/v1/vms/web/start", method: .get, headers: [:], body: nil) { $0 }
                #expect(start.status == .methodNotAllowed && start.headers[.allow] == "POST")
                // A path the document does not declare stays 404.
                #expect(try await client.send(.put, "/v1/nothing").status == 404)
            }
        }
    }

    @Test("a path or query parameter outside its schema is 400 naming it, before anything runs")
    func parameters() async throws {
        try await ServerFixture.with(runsAgents: false) { fixture in
            try await fixture.withRouter { client in
                let long = String(repeating: "a", count: 64)
                let tooLong = try await client.send(.get, "/v1/vms/\(long)")
                #expect(tooLong.status == 400 && tooLong.text.contains("path parameter ref"), "\(tooLong.text)")
                #expect(try await client.send(.get, "/v1/vms/\(String(repeating: "a", count: 63))").status == 404)
                #expect(try await client.send(.get, "/v1/vms/a%20b").status == 400)
                #expect(try await client.send(.get, "/v1/volumes/\(long)").status == 400)
                #expect(try await client.send(.get, "/v1/images/vol1/a..b").status == 400)
                #expect(try await client.send(.get, "/v1/images/vol1/a.b").status == 404)
                #expect(try await client.send(.delete, "/v1/vms/1/images/1001").status == 400)
                #expect(try await client.send(.get, "/v1/packages/0").status == 400)
                #expect(try await client.send(.get, "/v1/commands/not-a-uuid").status == 400)
                #expect(try await client.send(.get, "/v1/images?volume=\(long)").status == 400)
                #expect(try await client.send(.post, "/v1/vms/1/stop?timeoutSeconds=3601").status == 400)
                #expect(try await client.send(.post, "/v1/vms/1/shutdown?timeoutSeconds=0").status == 400)
                #expect(try await client.send(.delete, "/v1/volumes/vol1?force=maybe").status == 400)
            }
        }
    }
}
