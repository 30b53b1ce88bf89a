import Foundation
import NIOSSL
import PostgresNIO
import SpinModel

/// Where the fleet store lives, parsed from a libpq-style URL:
///
/// - `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=disable|prefer|require|verify-full]`
/// - `postgresql:///DB?host=/run/postgresql[&port=5432][&user=USER]` — a unix socket: `host`
///   names the socket's directory, as in libpq, and the socket is `DIR/.s.PGSQL.PORT`.
///
/// The user defaults to the one running spin, the database to the user's name, like `psql`.
public struct PostgresLocation: Sendable, Equatable {
    /// How the server is reached.
    public enum Endpoint: Sendable, Equatable {
        /// TCP to a host and port.
        case tcp(host: String, port: Int)
        /// A unix socket, by its full path.
        case unixSocket(path: String)
    }

    /// How TLS is used over TCP (`sslmode`).
    public enum TLSMode: String, Sendable, Equatable {
        /// Never.
        case disable
        /// When the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// Always, without checking the certificate.
        case require
        /// Always, checking the certificate against the system's roots and the host name.
        case verifyFull = "verify-full"
    }

    /// How the server is reached.
    public var endpoint: Endpoint
    /// The role to log in as.
    public var user: String
    /// The password, when the URL carries one.
    public var password: String?
    /// The database.
    public var database: String
    /// TLS over TCP.
    public var tls: TLSMode

    /// Parses `url`.
    /// - Throws: ``SpinError`` `.invalidArgument` naming what is wrong and the accepted forms.
    public init(_ url: String, currentUser: String = PostgresLocation.currentUserName()) throws {
        let forms = "use postgres://USER@HOST[:PORT]/DB or postgresql:///DB?host=/run/postgresql"
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw SpinError(.invalidArgument, "store \"\(Self.redacted(url))\" is not a URL; \(forms)")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw SpinError(.invalidArgument, "store scheme \"\(scheme)\" is not supported; \(forms)")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let known: Set = ["host", "port", "user", "password", "sslmode", "dbname"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw SpinError(.invalidArgument, "store parameter \"\(unknown)\" is not supported; the parameters are host, port, user, password, sslmode and dbname")
        }
        let portText = components.port.map(String.init) ?? query["port"]
        let port: Int
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw SpinError(.invalidArgument, "store port \"\(portText)\" is not a port number (1-65535)")
            }
            port = value
        } else {
            port = 5432
        }
        user = components.user.flatMap { $0.removingPercentEncoding } ?? query["user"] ?? currentUser
        password = components.password.flatMap { $0.removingPercentEncoding } ?? query["password"]
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 } ?? query["dbname"] ?? user
        guard !database.contains("/") else {
            throw SpinError(.invalidArgument, "store database \"\(database)\" is not a database name; \(forms)")
        }
        let host = components.host.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding } ?? query["host"]
        guard let host else {
            throw SpinError(.invalidArgument, "store \"\(Self.redacted(url))\" names no host; \(forms)")
        }
        if host.hasPrefix("/") {
            let socket = host + "/.s.PGSQL.\(port)"
            guard socket.utf8.count < 108 else {
                throw SpinError(.invalidArgument, "store socket \(socket) is longer than a unix socket path may be (107 bytes); use a shorter directory")
            }
            endpoint = .unixSocket(path: socket)
        } else {
            endpoint = .tcp(host: host, port: port)
        }
        let mode = query["sslmode"] ?? (host.hasPrefix("/") ? "disable" : "prefer")
        guard let tls = TLSMode(rawValue: mode) else {
            throw SpinError(.invalidArgument, "store sslmode \"\(mode)\" is not supported; use disable, prefer, require or verify-full")
        }
        self.tls = tls
    }

    /// The URL with any password replaced by `***`, for messages and logs.
    public var description: String {
        let credentials = password == nil ? user : user + ":***"
        switch endpoint {
        case .tcp(let host, let port): return "postgres://\(credentials)@\(host):\(port)/\(database)"
        case .unixSocket(let path): return "postgresql:///\(database)?host=\((path as NSString).deletingLastPathComponent)&user=\(user)"
        }
    }

    /// The client configuration for PostgresNIO.
    func clientConfiguration() -> PostgresClient.Configuration {
        switch endpoint {
        case .unixSocket(let path):
            return PostgresClient.Configuration(unixSocketPath: path, username: user, password: password, database: database)
        case .tcp(let host, let port):
            return PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: clientTLS())
        }
    }

    /// The configuration of a single connection (the listener's).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        switch endpoint {
        case .unixSocket(let path):
            return PostgresConnection.Configuration(unixSocketPath: path, username: user, password: password, database: database)
        case .tcp(let host, let port):
            return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: try connectionTLS())
        }
    }

    private func tlsConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if tls != .verifyFull { configuration.certificateVerification = .none }
        return configuration
    }

    private func clientTLS() -> PostgresClient.Configuration.TLS {
        switch tls {
        case .disable: return .disable
        case .prefer: return .prefer(tlsConfiguration())
        case .require, .verifyFull: return .require(tlsConfiguration())
        }
    }

    private func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
        switch tls {
        case .disable: return .disable
        case .prefer: return .prefer(try NIOSSLContext(configuration: tlsConfiguration()))
        case .require, .verifyFull: return .require(try NIOSSLContext(configuration: tlsConfiguration()))
        }
    }

    /// The name of the user running this process.
    public static func currentUserName() -> String {
        if let name = getpwuid(geteuid())?.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "postgres"
    }

    /// `url` with the password (if any) hidden.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
