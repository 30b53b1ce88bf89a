import Foundation
import Hummingbird
import SpinCore

/// The browser console on the main router: the console pages, noVNC's static files, and the
/// plain-HTTP side of the console WebSocket paths (which answers requests that were not
/// upgraded: the error that declined the upgrade, or 400 for a request without one).
struct ConsoleRoutes: Sendable {
    let spin: Spin
    let options: ServerOptions

    /// Adds the routes to `router`.
    func register(on router: Router<BasicRequestContext>) {
        let connector = ConsoleConnector(spin: spin)
        for kind in ConsoleKind.allCases {
            router.get("/v1/vms/{ref}/console/\(kind.rawValue)") { request, context -> Response in
                let ref = try context.parameters.require("ref")
                try await connector.probe(ref, kind)
                throw SpinError(.invalidArgument, "\(request.uri.path) is a WebSocket; connect with Upgrade: websocket (the page /console/\(ref) does)")
            }
        }
        router.get("/console/{ref}") { request, context in
            try await page(request, context) { ConsolePage.vnc(vm: $0) }
        }
        router.get("/console/{ref}/serial") { request, context in
            try await page(request, context) { ConsolePage.serial(vm: $0) }
        }
        let files = StaticFiles(directory: options.novncPath)
        router.get("/novnc/**") { request, _ in
            try files.response(for: String(request.uri.path.dropFirst("/novnc/".count)))
        }
    }

    /// A console page of VM `ref`; with `?token=`, first stores the token in the cookie and
    /// redirects to the same page without it, so the token does not stay in the address bar.
    private func page(_ request: Request, _ context: BasicRequestContext, html: (VM) -> String) async throws -> Response {
        let vm = try await spin.vm(try context.parameters.require("ref"))
        if let token = BrowserCredentials.queryToken(request) {
            var headers = Self.pageHeaders
            headers[.location] = request.uri.path
            if options.token != nil {
                headers[.setCookie] = BrowserCredentials.setCookie(token, secure: options.tls != nil)
            }
            return Response(status: .seeOther, headers: headers)
        }
        var headers = Self.pageHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html(vm))))
    }

    /// What every console page answer carries: never cached, and never shown inside another
    /// site's frame (a framed console could be clicked through by a page the user visits).
    static let pageHeaders: HTTPFields = {
        var fields: HTTPFields = [
            .cacheControl: "no-store",
            .contentSecurityPolicy: "frame-ancestors 'none'",
            .xContentTypeOptions: "nosniff",
        ]
        // The older header, for browsers without CSP frame-ancestors.
        if let name = HTTPFields.Element.Name("X-Frame-Options") { fields[name] = "DENY" }
        return fields
    }()
}
