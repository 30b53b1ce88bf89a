import ArgumentParser
import Foundation
import SpinClient
import SpinCore

/// `spin view ID`: the VM's browser console URL on a TCP server, opened in a browser.
struct View: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Print a VM's browser console URL and open it in a browser when there is one.",
        discussion: """
            The console page is served by a spin server listening on TCP (spin serve --listen); \
            the URL carries the token (--token, else $SPIN_TOKEN, else ROOT/server.token) as \
            ?token=…, so treat it as a secret. The browser is $BROWSER, else xdg-open; without \
            one (or with --no-browser) the URL is only printed.
            Example: spin view web --host 127.0.0.1:8080
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String
    @Flag(name: .customLong("no-browser"), help: "Only print the URL.") var noBrowser = false

    /// The JSON document: `{"url": "…", "vm": ID}`.
    struct Result: Encodable {
        let url: String
        let vm: UInt64
    }

    func run() async throws {
        let base = try consoleServer()
        let record = try await global.withReader { backend in try await backend.vm(vm) }
        let token = SpinRemote.resolveToken(root: global.spinRoot, endpoint: .url(base), explicit: global.token)
        let url = Self.consoleURL(base: base, vmID: record.id, token: token)
        try Output.emit(global, Result(url: url, vm: record.id)) { url }
        if !noBrowser { BrowserOpener.open(url) }
    }

    /// The TCP server named by `--host` / `$SPIN_HOST`.
    /// - Throws: `.failedPrecondition` with how to start one, when there is none or it is a socket.
    func consoleServer() throws -> URL {
        let fix = "start one with spin serve --listen 127.0.0.1:8080, then run spin view \(vm) --host 127.0.0.1:8080"
        guard let host = global.remoteHost else {
            throw SpinError(.failedPrecondition, "the browser console needs a spin server listening on TCP, and no --host is given; \(fix)")
        }
        guard case .url(let base) = try SpinEndpoint(parsing: host) else {
            throw SpinError(.failedPrecondition, "the browser console needs a spin server listening on TCP, and \(host) is a unix socket; \(fix)")
        }
        return base
    }

    /// `BASE/console/ID?token=TOKEN` (without the query when there is no token).
    static func consoleURL(base: URL, vmID: UInt64, token: String?) -> String {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        text += "/console/\(vmID)"
        if let token {
            let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? token
            text += "?token=" + encoded
        }
        return text
    }
}
