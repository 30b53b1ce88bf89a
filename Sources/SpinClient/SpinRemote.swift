import AsyncHTTPClient
import Foundation
import NIOSSL
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import SpinAPI
import SpinModel

/// A spin server, reached over its unix socket or TCP, with methods named like the
/// ``Spin`` facade's — so a program (the CLI's `--host` mode) calls the same thing either
/// way. Errors arrive as the ``SpinError`` the server raised (same code, same message).
///
/// ```swift
/// let remote = try SpinRemote(endpoint: .unix(path: root.path + "/spin.sock"))
/// defer { Task { try? await remote.close() } }
/// let vm = try await remote.createVM(VMSpec(name: "web"))
/// try await remote.startVM("web")
/// print(try await remote.status("web").state)
/// ```
public final class SpinRemote: Sendable {
    /// Where the server is.
    public let endpoint: SpinEndpoint
    /// The generated client, for calls this wrapper does not cover.
    public let client: Client
    /// A client without a response deadline, for the event stream.
    let streamingClient: Client
    /// The HTTP client under both generated clients.
    let http: HTTPClient
    /// The bearer token, for the console WebSockets.
    let token: String?
    /// The TLS settings, for the console WebSockets.
    let tls: TLSConfiguration?

    /// Connects (lazily) to a server.
    /// - Parameters:
    ///   - token: the bearer token; needed over TCP.
    ///   - tls: TLS settings for `https://` (e.g. a private CA); nil uses the system's roots.
    ///   - timeout: how long one call may take (actions wait for their package).
    ///   - failFast: fail a call at once when the server refuses the connection, rather than
    ///     retrying for the 10 s connect timeout (for one-shot programs such as the CLI).
    public init(
        endpoint: SpinEndpoint, token: String? = nil, tls: TLSConfiguration? = nil, timeout: Duration = .seconds(3600),
        failFast: Bool = false
    ) throws {
        self.endpoint = endpoint
        self.token = token
        self.tls = tls
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, timeout: .init(connect: .seconds(10)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60))
        configuration.connectionPool.retryConnectionEstablishment = !failFast
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let middlewares: [any ClientMiddleware] = [ErrorMiddleware()] + (token.map { [BearerMiddleware(token: $0)] } ?? [])
        let seconds = Int64(timeout.components.seconds)
        client = Client(
            serverURL: endpoint.baseURL,
            transport: AsyncHTTPClientTransport(configuration: .init(client: http, timeout: .seconds(seconds))),
            middlewares: middlewares)
        streamingClient = Client(
            serverURL: endpoint.baseURL,
            transport: AsyncHTTPClientTransport(configuration: .init(client: http, timeout: .hours(24 * 365))),
            middlewares: middlewares)
    }

    /// Connects the way the CLI does: `host` (a socket path, HOST:PORT or URL) or the root's
    /// socket; the token from `token`, else `$SPIN_TOKEN`, else the root's token file.
    /// - Parameter failFast: see ``init(endpoint:token:tls:timeout:failFast:)``.
    public static func connect(
        root: SpinRoot = SpinRoot(), host: String? = nil, token: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, failFast: Bool = false
    ) throws -> SpinRemote {
        let endpoint = try host.map(SpinEndpoint.init(parsing:)) ?? .defaultSocket(root: root)
        let resolved = resolveToken(root: root, endpoint: endpoint, explicit: token, environment: environment)
        return try SpinRemote(endpoint: endpoint, token: resolved, failFast: failFast)
    }

    /// Closes the connections.
    public func close() async throws { try await http.shutdown() }

    /// Runs a generated call, handing back the server's ``SpinError`` as it was raised.
    func call<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SpinError {
            throw error
        } catch let error as ClientError {
            if let spin = error.underlyingError as? SpinError { throw spin }
            throw SpinError(.unavailable, "spin server at \(endpoint): \(error.underlyingError)", cause: error)
        } catch {
            throw SpinError(.unavailable, "spin server at \(endpoint): \(error)", cause: error)
        }
    }
}
