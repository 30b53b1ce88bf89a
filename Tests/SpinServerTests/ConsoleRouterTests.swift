import Foundation
import Hummingbird
import HummingbirdTesting
import SpinCore
import SpinServer
import Testing

@Suite("Router: console pages, noVNC files and console errors", .serialized)
struct ConsoleRouterTests {
    /// Runs `body` against a router with token `tok` and noVNC files from a temporary directory
    /// holding `core/rfb.js`, `vnc.html`, a directory, and a symlink that leads outside.
    func withConsoleRouter(_ fixture: ServerFixture, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let novnc = fixture.directory + "/novnc"
        try FileManager.default.createDirectory(atPath: novnc + "/core/util", withIntermediateDirectories: true)
        try Data("export default class RFB {}\n".utf8).write(to: URL(fileURLWithPath: novnc + "/core/rfb.js"))
        try Data("<html></html>\n".utf8).write(to: URL(fileURLWithPath: novnc + "/vnc.html"))
        try Data("TOP-SECRET-CONTENT\n".utf8).write(to: URL(fileURLWithPath: fixture.directory + "/secret.txt"))
        try FileManager.default.createSymbolicLink(atPath: novnc + "/escape.txt", withDestinationPath: fixture.directory + "/secret.txt")
        try FileManager.default.createSymbolicLink(atPath: novnc + "/inside.html", withDestinationPath: novnc + "/vnc.html")
        let options = ServerOptions(listen: .unix(path: fixture.socketPath), token: ServerToken("tok"), novncPath: novnc)
        let app = Application(router: try SpinServer.makeRouter(spin: fixture.spin, options: options))
        try await app.test(.router, body)
    }

    static let cookie: HTTPFields = [.cookie: "spin_token=tok"]

    @Test("noVNC files are served with their content types, and nothing outside the directory")
    func staticFiles() async throws {
        try await ServerFixture.with(runsAgents: false) { fixture in
            try await withConsoleRouter(fixture) { client in
                let rfb = try await client.execute(uri: "/novnc/core/rfb.js", method: .get, headers: Self.cookie) { $0 }
                #expect(rfb.status == .ok)
                #expect(rfb.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(String(buffer: rfb.body).contains("class RFB"))
                let html = try await client.execute(uri: "/novnc/inside.html", method: .get, headers: Self.cookie) { $0 }
                #expect(html.status == .ok)
                #expect(html.headers[.contentType] == "text/html; charset=utf-8")
                for path in ["/novnc/../../etc/passwd", "/novnc/..%2f..%2fetc%2fpasswd", "/novnc/%2e%2e/secret.txt", "/novnc/escape.txt",
                             "/novnc/core", "/novnc/core/", "/novnc/./vnc.html", "/novnc/missing.js", "/novnc//etc/passwd"] {
                    let reply = try await client.send(.get, path, headers: Self.cookie)
                    #expect(reply.status == 404, "\(path) gave \(reply.status)")
                    #expect(!reply.text.contains("TOP-SECRET-CONTENT") && !reply.text.contains("root:"), "\(path) leaked")
                }
                #expect(try await client.send(.get, "/novnc/core/rfb.js").status == 401)
            }
        }
    }

    @Test("console pages: 401 without a token, ?token= sets the cookie and redirects without it, the cookie serves the page")
    func pages() async throws {
        try await ServerFixture.with { fixture in
            let vm = try await fixture.defineGuest("web")
            try await withConsoleRouter(fixture) { client in
                #expect(try await client.send(.get, "/console/web").status == 401)
                #expect(try await client.send(.get, "/console/web?token=bad").status == 401)
                let redirect = try await client.execute(uri: "/console/web?token=tok", method: .get) { $0 }
                #expect(redirect.status == .seeOther)
                #expect(redirect.headers[.location] == "/console/web")
                let cookie = redirect.headers[.setCookie] ?? ""
                #expect(cookie.hasPrefix("spin_token=tok;"))
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
                let page = try await client.send(.get, "/console/web", headers: Self.cookie)
                #expect(page.status == 200)
                #expect(page.text.contains("/novnc/core/rfb.js"))
                #expect(page.text.contains("/v1/vms/\(vm.id)/console/vnc"))
                let serial = try await client.send(.get, "/console/\(vm.id)/serial", headers: [.authorization: "Bearer tok"])
                #expect(serial.status == 200)
                #expect(serial.text.contains("/v1/vms/\(vm.id)/console/serial"))
                let unknown = try await client.send(.get, "/console/nope", headers: Self.cookie)
                #expect(unknown.status == 404)
                #expect(unknown.errorCode == "not_found")
                // A cookie sent by another site's page is refused.
                var foreign = Self.cookie
                foreign[.origin] = "http://evil.example"
                #expect(try await client.send(.get, "/console/web", headers: foreign).status == 403)
                // Browser credentials do not open the rest of the API.
                #expect(try await client.send(.get, "/v1/vms?token=tok").status == 401)
                #expect(try await client.send(.get, "/v1/vms", headers: Self.cookie).status == 401)
            }
        }
    }

    @Test("console WebSocket paths: 404 for an unknown VM, 409 naming the fix for a stopped one")
    func webSocketErrors() async throws {
        try await ServerFixture.with { fixture in
            _ = try await fixture.defineGuest("web")
            try await withConsoleRouter(fixture) { client in
                for kind in ["vnc", "serial"] {
                    let unknown = try await client.send(.get, "/v1/vms/nope/console/\(kind)?token=tok")
                    #expect(unknown.status == 404)
                    let stopped = try await client.send(.get, "/v1/vms/web/console/\(kind)", headers: [.authorization: "Bearer tok"])
                    #expect(stopped.status == 409)
                    #expect(stopped.errorCode == "failed_precondition")
                    #expect(stopped.text.contains(#"VM \"web\" is not running; start it with spin start web"#))
                    #expect(try await client.send(.get, "/v1/vms/web/console/\(kind)").status == 401)
                }
            }
        }
    }
}
