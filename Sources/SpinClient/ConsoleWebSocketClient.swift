import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import SpinModel

/// Opens a WebSocket to a spin server over its unix socket or TCP (with TLS for `https://`),
/// with NIO's typed client upgrade. (HummingbirdWSClient's `WebSocketClient` connects to host
/// and port only, so it cannot reach the default unix socket.)
struct ConsoleWebSocketClient: Sendable {
    /// The upgraded connection: WebSocket frames in and out.
    typealias Connection = NIOAsyncChannel<WebSocketFrame, WebSocketFrame>

    let endpoint: SpinEndpoint
    let token: String?
    let tls: TLSConfiguration?

    private enum Upgrade: Sendable {
        case upgraded(Connection)
        case declined
    }

    /// Connects and upgrades `path`; nil when the server declined the upgrade (it then
    /// answers a plain GET of the same path with the reason).
    func connect(path: String) async throws -> Connection? {
        let target = try Target(endpoint)
        let sslContext = try target.secure ? NIOSSLContext(configuration: tls ?? .makeClientConfiguration()) : nil
        var headers = HTTPHeaders([("Host", target.hostHeader), ("Content-Length", "0")])
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target.pathPrefix + path, headers: headers)
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(.seconds(10))
        let initializer: @Sendable (Channel) -> EventLoopFuture<EventLoopFuture<Upgrade>> = { channel in
            channel.eventLoop.makeCompletedFuture {
                if let sslContext {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: target.tlsHostname))
                }
                let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(maxFrameSize: 1 << 20) { channel, _ in
                    channel.eventLoop.makeCompletedFuture { .upgraded(try Connection(wrappingChannelSynchronously: channel)) }
                }
                let configuration = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
                    upgradeRequestHead: head, upgraders: [upgrader],
                    notUpgradingCompletionHandler: { channel in
                        channel.close(promise: nil)
                        return channel.eventLoop.makeSucceededFuture(.declined)
                    })
                return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: .init(upgradeConfiguration: configuration))
            }
        }
        let upgrade: EventLoopFuture<Upgrade>
        do {
            switch target.address {
            case .unix(let socket): upgrade = try await bootstrap.connect(unixDomainSocketPath: socket, channelInitializer: initializer)
            case .tcp(let host, let port): upgrade = try await bootstrap.connect(host: host, port: port, channelInitializer: initializer)
            }
        } catch {
            throw SpinError(.unavailable, "cannot reach the spin server at \(endpoint): \(error)", cause: error)
        }
        switch try await upgrade.get() {
        case .upgraded(let connection): return connection
        case .declined: return nil
        }
    }

    /// Where and how to connect, from an endpoint.
    struct Target: Sendable {
        enum Address: Sendable { case unix(String), tcp(String, Int) }
        let address: Address
        let secure: Bool
        let hostHeader: String
        let tlsHostname: String?
        let pathPrefix: String

        init(_ endpoint: SpinEndpoint) throws {
            switch endpoint {
            case .unix(let path):
                address = .unix(path)
                secure = false
                hostHeader = "localhost"
                tlsHostname = nil
                pathPrefix = ""
            case .url(let url):
                guard let host = url.host else { throw SpinError(.invalidArgument, "the server URL \(url) has no host; use e.g. http://127.0.0.1:8080") }
                secure = url.scheme == "https"
                let port = url.port ?? (secure ? 443 : 80)
                address = .tcp(host, port)
                hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
                tlsHostname = host.first?.isNumber == true || host.contains(":") ? nil : host
                pathPrefix = url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
            }
        }
    }
}
