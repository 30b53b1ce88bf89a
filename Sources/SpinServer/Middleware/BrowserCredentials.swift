import Foundation
import Hummingbird
import SpinCore

/// How browsers authenticate: they cannot set an `Authorization` header on a WebSocket or a
/// page link, so the browser paths (console pages, noVNC's files, the console WebSockets) also
/// take the token from a `token` query item or from the HttpOnly, SameSite=Strict cookie that
/// a console page sets.
enum BrowserCredentials {
    /// The cookie a console page sets.
    static let cookieName = "spin_token"

    /// Whether `path` is one a browser loads: `/console/…`, `/novnc/…` or a console WebSocket.
    static func isBrowserPath(_ path: String) -> Bool {
        if path.hasPrefix("/console/") || path.hasPrefix("/novnc/") { return true }
        return path.hasPrefix("/v1/vms/") && (path.hasSuffix("/console/vnc") || path.hasSuffix("/console/serial"))
    }

    /// The token in the `token` query item, if any.
    static func queryToken(_ request: Request) -> String? {
        request.uri.queryParameters["token"].map(String.init)
    }

    /// The token in the cookie, if any.
    static func cookieToken(_ request: Request) -> String? {
        request.cookies[cookieName].flatMap { $0.value.removingPercentEncoding }
    }

    /// The `Set-Cookie` value that stores `token` for the whole origin.
    static func setCookie(_ token: String, secure: Bool) -> String {
        let value = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return "\(cookieName)=\(value); Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// Whether a request that carries an `Origin` comes from the same host it is sent to —
    /// a cookie must not let another site open a console WebSocket.
    static func isSameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let host = request.head.authority, let url = URL(string: origin), let originHost = url.host else { return false }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        return originAuthority.lowercased() == host.lowercased()
    }
}

extension ServerToken {
    /// Checks a request's credentials: the bearer header, and on browser paths also the
    /// `token` query item or the cookie (a cookie only from the same origin).
    /// - Throws: ``SpinError`` `.unauthorized` (missing or wrong), `.forbidden` (cross-origin cookie).
    func authorize(_ request: Request) throws {
        if let header = request.headers[.authorization] {
            let prefix = "bearer "
            guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix,
                matches(header.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces))
            else {
                throw SpinError(.unauthorized, "the bearer token is wrong; spin-server token prints the right one")
            }
            return
        }
        let browser = BrowserCredentials.isBrowserPath(request.uri.path)
        if browser, let query = BrowserCredentials.queryToken(request) {
            guard matches(query) else { throw SpinError(.unauthorized, "the token in ?token= is wrong; spin-server token prints the right one") }
            return
        }
        if browser, let cookie = BrowserCredentials.cookieToken(request) {
            guard matches(cookie) else {
                throw SpinError(.unauthorized, "the console cookie holds a wrong token; open the page again with ?token=TOKEN (spin-server token prints it)")
            }
            guard BrowserCredentials.isSameOrigin(request) else {
                throw SpinError(.forbidden, "a console cookie was sent from another origin; open the console from this server's own page")
            }
            return
        }
        if browser {
            throw SpinError(.unauthorized, "this server needs its token; open the page with ?token=TOKEN (spin-server token prints it)")
        }
        throw SpinError(.unauthorized, "this server needs a bearer token; pass --token or set SPIN_TOKEN (spin-server token prints it)")
    }
}
