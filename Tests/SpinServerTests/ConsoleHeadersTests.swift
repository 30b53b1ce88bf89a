import Foundation
import Hummingbird
import HummingbirdTesting
import SpinCore
import SpinServer
import Testing

/// Console pages may not be framed by another site (clickjacking).
@Suite("Router: console pages forbid framing")
struct ConsoleHeadersTests {
    @Test("console pages and their token redirect send CSP frame-ancestors 'none' and X-Frame-Options DENY")
    func frameHeaders() async throws {
        try await ServerFixture.with { fixture in
            _ = try await fixture.spin.createVM(VMSpec(name: "web"))
            let options = ServerOptions(listen: .unix(path: fixture.socketPath), token: ServerToken("console-token-0123456789"))
            let app = Application(router: try SpinServer.makeRouter(spin: fixture.spin, options: options))
            try await app.test(.router) { client in
                let cookie: HTTPFields = [.cookie: "spin_token=console-token-0123456789"]
                for uri in ["/console/web", "/console/web/serial", "/console/web?token=console-token-0123456789"] {
                    let reply = try await client.execute(uri: uri, method: .get, headers: cookie, body: nil) { $0 }
                    #expect(reply.status == .ok || reply.status == .seeOther, "\(uri): \(reply.status)")
                    #expect(reply.headers[.contentSecurityPolicy] == "frame-ancestors 'none'", "\(uri)")
                    #expect(reply.headers[try #require(HTTPFields.Element.Name("X-Frame-Options"))] == "DENY", "\(uri)")
                }
            }
        }
    }
}
