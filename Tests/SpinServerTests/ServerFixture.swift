import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SpinCore
import SpinServer
import SpinTestSupport

/// A spin instance on a temporary root (short path, for unix sockets) with the direct
/// supervisor; `cleanUp` stops every VM and removes the root.
struct ServerFixture: Sendable {
    let spin: Spin
    let directory: String

    var root: SpinRoot { spin.root }
    var socketPath: String { directory + "/s.sock" }

    /// Runs `body` with a fresh fixture; `configure` adjusts the instance's options, given the
    /// temporary directory (e.g. to confine paths to a directory inside it).
    static func with(
        runsAgents: Bool = true, configure: (inout SpinOptions, String) -> Void = { _, _ in }, _ body: (ServerFixture) async throws -> Void
    ) async throws {
        var template = Array("/tmp/spin-srv.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw FixtureError("mkdtemp failed") }
        let directory = String(cString: made)
        // Searchable (not listable) by the unprivileged qemu user, as an operator would set it.
        chmod(directory, 0o711)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = SpinOptions(supervisor: .direct, runsAgents: runsAgents)
        configure(&options, directory)
        let spin = try await Spin.open(root: SpinRoot(explicit: directory + "/root"), options: options)
        let fixture = ServerFixture(spin: spin, directory: directory)
        do {
            try await body(fixture)
        } catch {
            await fixture.cleanUp()
            throw error
        }
        await fixture.cleanUp()
    }

    /// Stops every VM (forced after 1 s), SIGKILLs any qemu left, closes the instance.
    func cleanUp() async {
        for vm in (try? await spin.listVMs()) ?? [] {
            let pid = (try? await spin.status(String(vm.id)))?.process.pid
            try? await spin.stopVM(String(vm.id), timeoutSeconds: 1)
            if let pid, kill(pid, 0) == 0, (try? await spin.status(String(vm.id)))?.state != .stopped { kill(pid, SIGKILL) }
            try? FileManager.default.removeItem(atPath: RuntimePaths(root: spin.root, vmID: vm.id).runtimeDirectory)
        }
        await spin.close()
    }

    /// Runs `body` against the router in-process.
    func withRouter(token: String? = nil, bodyLimit: Int = 1 << 20, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var options = ServerOptions(listen: .unix(path: socketPath), bodyLimit: bodyLimit, eventPollInterval: .milliseconds(100))
        if let token {
            options.token = ServerToken(token)
        }
        let router = try SpinServer.makeRouter(spin: spin, options: options)
        let app = Application(router: router)
        try await app.test(.router, body)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A decoded JSON response.
struct Reply: Sendable {
    let status: Int
    let body: ByteBuffer

    var text: String { String(buffer: body) }
    /// The body as a JSON object or array.
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
    /// The `error.code` of an error body.
    var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
}

extension TestClientProtocol {
    /// Sends a request with an optional JSON body (a dictionary, an array or raw text).
    func send(_ method: HTTPRequest.Method, _ uri: String, json: Any? = nil, headers: HTTPFields = [:]) async throws -> Reply {
        var headers = headers
        var buffer: ByteBuffer?
        if let text = json as? String {
            buffer = ByteBuffer(string: text)
        } else if let json {
            buffer = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
        }
        if buffer != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: buffer) { response in
            Reply(status: Int(response.status.code), body: response.body)
        }
    }
}
