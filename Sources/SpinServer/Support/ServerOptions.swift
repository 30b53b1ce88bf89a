import Foundation
import SpinCore

/// How a spin server listens and what it serves.
public struct ServerOptions: Sendable {
    /// Where the server listens.
    public enum Listen: Sendable, Equatable {
        /// A unix socket, made mode 0600; no token is needed.
        case unix(path: String)
        /// A TCP address; every request then needs the bearer token.
        case tcp(host: String, port: Int)
    }

    /// A certificate chain and key, PEM files, for HTTPS on the TCP listener.
    public struct TLSFiles: Sendable, Equatable {
        /// The certificate chain (PEM).
        public var certificatePath: String
        /// The private key (PEM).
        public var keyPath: String
        /// Creates a pair.
        public init(certificatePath: String, keyPath: String) {
            self.certificatePath = certificatePath
            self.keyPath = keyPath
        }
    }

    /// Where the server listens.
    public var listen: Listen
    /// The token TCP requests must carry; required for `.tcp`.
    public var token: ServerToken?
    /// HTTPS for the TCP listener.
    public var tls: TLSFiles?
    /// The largest request body accepted, in bytes.
    public var bodyLimit: Int
    /// Where noVNC's static files are (Debian's `novnc` package).
    public var novncPath: String
    /// How often the event stream re-checks VM states.
    public var eventPollInterval: Duration
    /// How long a connection may sit idle — reading a request head or body that does not
    /// come, or between requests — before the server closes it.
    public var idleTimeout: Duration
    /// The most connections open at once; more wait in the listen backlog until one closes.
    public var maxConnections: Int

    /// The default ``idleTimeout``.
    public static let defaultIdleTimeout: Duration = .seconds(30)
    /// The default ``maxConnections``.
    public static let defaultMaxConnections = 512

    /// Creates options.
    public init(
        listen: Listen, token: ServerToken? = nil, tls: TLSFiles? = nil, bodyLimit: Int = 1 << 20,
        novncPath: String = "/usr/share/novnc", eventPollInterval: Duration = .seconds(1),
        idleTimeout: Duration = defaultIdleTimeout, maxConnections: Int = defaultMaxConnections
    ) {
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.listen = listen
        self.token = token
        self.tls = tls
        self.bodyLimit = bodyLimit
        self.novncPath = novncPath
        self.eventPollInterval = eventPollInterval
    }

    /// The default unix socket of a root: `<root>/spin.sock`.
    public static func defaultSocketPath(root: SpinRoot) -> String { root.path + "/spin.sock" }

    /// Parses `--listen host:port` (`[::1]:8080` for IPv6).
    public static func parseListen(_ text: String) throws -> Listen {
        let host: Substring
        let port: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw badListen(text) }
            port = rest.dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        } else {
            throw badListen(text)
        }
        guard !host.isEmpty, let number = Int(port), (0...65535).contains(number) else { throw badListen(text) }
        return .tcp(host: String(host), port: number)
    }

    private static func badListen(_ text: String) -> SpinError {
        SpinError(.invalidArgument, "--listen \"\(text)\" is not HOST:PORT; use e.g. 127.0.0.1:8080 or [::1]:8080")
    }
}
