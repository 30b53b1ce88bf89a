import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOSSL
import OpenAPIHummingbird
import OpenAPIRuntime
import SpinAPI
import SpinCore

/// Builds the spin HTTP server: the generated OpenAPI routes over the ``Spin`` facade, the
/// document at `/openapi.yaml`, errors in one JSON shape, the token on TCP, body limits and
/// metrics; and the browser console (console pages, noVNC's files, the console WebSockets).
///
/// ```swift
/// let spin = try await Spin.open(root: root)
/// let app = try SpinServer.makeApplication(spin: spin, options: ServerOptions(listen: .unix(path: root.path + "/spin.sock")))
/// try await app.runService()   // SIGTERM: in-flight requests finish
/// ```
public enum SpinServer {
    /// The router with every route and middleware, for in-process tests and for
    /// ``makeApplication(spin:options:logger:)``.
    public static func makeRouter(spin: Spin, options: ServerOptions, metrics: ServerMetrics = ServerMetrics(), logger: Logger = Logger(label: "spin-server")) throws -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware(logger: logger))
        if let token = options.token {
            router.add(middleware: AuthMiddleware(token: token))
        } else if case .tcp = options.listen {
            throw SpinError(.invalidArgument, "a TCP listener needs a token; pass one or let spin-server create it")
        }
        router.add(middleware: BodyLimitMiddleware(limit: options.bodyLimit))
        // Filled below as the generated code registers each operation.
        let operations = OperationTable()
        router.add(middleware: ContractMiddleware(table: operations))
        // The response caches key on the LMDB store's last transaction; a fleet store has no
        // such cheap change marker, so its reads always go through.
        if let store = spin.store {
            router.add(middleware: VMListCacheMiddleware(store: store))
            router.add(middleware: VMGetCacheMiddleware(spin: spin, store: store))
        }
        router.get("/openapi.yaml") { _, _ in try OpenAPIDocument.response() }
        let handler = APIHandler(spin: spin, metrics: metrics, options: options)
        // Compact JSON (the runtime's default pretty-prints): half the bytes of a VM list; and
        // dates without the default transcoder's lock.
        let configuration = OpenAPIRuntime.Configuration(dateTranscoder: FastDateTranscoder(), jsonEncodingOptions: [.sortedKeys])
        try handler.registerHandlers(on: RecordingTransport(base: router, table: operations), configuration: configuration)
        ConsoleRoutes(spin: spin, options: options).register(on: router)
        return router
    }

    /// The application: the router bound to the unix socket (made 0600) or TCP (with TLS
    /// when configured), with the console WebSockets of ``ConsoleWebSockets`` on upgrade. Run it with `runService()` for graceful shutdown on SIGTERM.
    public static func makeApplication(spin: Spin, options: ServerOptions, metrics: ServerMetrics = ServerMetrics(), logger: Logger = Logger(label: "spin-server")) throws -> some ApplicationProtocol {
        let router = try makeRouter(spin: spin, options: options, metrics: metrics, logger: logger)
        let consoles = Router(context: ConsoleRequestContext.self)
        ConsoleWebSockets(connector: ConsoleConnector(spin: spin), token: options.token).register(on: consoles)
        // A connection must complete its first request head within idleTimeout; after that
        // Hummingbird closes it once idle that long (no request in flight: a stalled body,
        // nothing between requests, a later head that does not come). A request being
        // answered (a long poll, the event stream) is not idle.
        let timeout = TimeAmount(options.idleTimeout)
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(http1: HTTP1Channel.Configuration(idleTimeout: timeout))
        let consoleResponder = consoles.buildResponder()
        let address: BindAddress
        var socketPath: String?
        switch options.listen {
        case .unix(let path):
            address = .unixDomainSocket(path: path)
            socketPath = path
        case .tcp(let host, let port):
            address = .hostname(host, port: port)
        }
        // HTTPS only on TCP.
        let tls = socketPath == nil ? try options.tls.map(tlsConfiguration) : nil
        let server = HTTPServerBuilder { responder in
            let http = RequestHeadDeadlineChannel(
                base: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: consoleResponder, configuration: configuration),
                timeout: timeout)
            guard let tls else { return http }
            return try TLSChannel(http, tlsConfiguration: tls)
        }
        let socket = socketPath
        return Application(
            router: router,
            server: server,
            // Past maxConnections open connections the listener stops accepting; new ones wait
            // in the backlog until one closes.
            configuration: .init(
                address: address, serverName: "spin-server",
                availableConnectionsDelegate: MaximumAvailableConnections(options.maxConnections, logger: logger)),
            services: [PackageMetricsService(spin: spin, metrics: metrics)],
            onServerRunning: { _ in
                // The socket is the only guard on the unix listener: owner only.
                if let socket { chmod(socket, 0o600) }
            },
            logger: logger)
    }

    static func tlsConfiguration(_ files: ServerOptions.TLSFiles) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(files.certificatePath).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: files.keyPath, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        } catch {
            throw SpinError(.invalidArgument, "cannot load the TLS certificate \(files.certificatePath) or key \(files.keyPath): \(error)", cause: error)
        }
    }
}
