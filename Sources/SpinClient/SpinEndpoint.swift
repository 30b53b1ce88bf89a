import Foundation
import SpinModel

/// Where a spin server is: its unix socket, or an `http(s)://` URL.
public enum SpinEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// The server's unix socket (no token needed; the socket's mode guards it).
    case unix(path: String)
    /// A TCP server, e.g. `http://127.0.0.1:8080` or `https://host:8443`.
    case url(URL)

    /// Parses what `--host` takes: a socket path (`/…` or `unix:/…`), `host:port`, or a URL.
    public init(parsing text: String) throws {
        if text.hasPrefix("/") {
            self = .unix(path: text)
        } else if text.hasPrefix("unix:") {
            self = .unix(path: String(text.dropFirst("unix:".count)))
        } else if text.hasPrefix("http://") || text.hasPrefix("https://"), let url = URL(string: text), url.host != nil {
            self = .url(url)
        } else if let url = URL(string: "http://" + text), url.host != nil, url.port != nil {
            self = .url(url)
        } else {
            throw SpinError(.invalidArgument, "--host \"\(text)\" is neither a socket path nor HOST:PORT nor an http(s) URL; use e.g. /root/.config/spin/spin.sock or 127.0.0.1:8080")
        }
    }

    /// The root's default socket: `<root>/spin.sock`.
    public static func defaultSocket(root: SpinRoot) -> SpinEndpoint { .unix(path: root.path + "/spin.sock") }

    /// The base URL the HTTP client talks to (`http+unix://%2F…` for a socket).
    public var baseURL: URL {
        switch self {
        case .url(let url):
            return url
        case .unix(let path):
            let encoded = path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? path
            return URL(string: "http+unix://" + encoded) ?? URL(fileURLWithPath: path)
        }
    }

    /// Whether requests go over TCP (and so need the token).
    public var isTCP: Bool {
        if case .url = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .unix(let path): "unix:" + path
        case .url(let url): url.absoluteString
        }
    }
}
