import Foundation
import Hummingbird
import OpenAPIRuntime
import Synchronization

/// The operations the OpenAPI document declares, as the generated code registers them:
/// each path template (`/v1/vms/{ref}`) with its methods. ``ContractMiddleware`` answers an
/// undeclared method on a declared path with 405 and `Allow`, and checks the parameters of a
/// declared one.
final class OperationTable: Sendable {
    /// One path template: its segments (a `{name}` segment is a parameter) and its methods.
    struct Route: Sendable {
        let template: String
        let segments: [Substring]
        var methods: [HTTPRequest.Method]

        /// The `Allow` header's value: the declared methods, in declaration order.
        var allow: String { methods.map(\.rawValue).joined(separator: ", ") }
    }

    /// What a request path matched: the route and its parameters, percent-decoded.
    struct Match: Sendable {
        let route: Route
        let parameters: [String: String]
    }

    private let routes = Mutex<[Route]>([])

    /// Records that `method` is declared on `template`.
    func add(method: HTTPRequest.Method, template: String) {
        routes.withLock { routes in
            if let index = routes.firstIndex(where: { $0.template == template }) {
                if !routes[index].methods.contains(method) { routes[index].methods.append(method) }
            } else {
                routes.append(Route(template: template, segments: Self.split(template), methods: [method]))
            }
        }
    }

    /// Every recorded template.
    var templates: [String] { routes.withLock { $0.map(\.template) } }

    /// The route whose template `path` (without its query) fits, literal segments first.
    func match(_ path: String) -> Match? {
        let segments = Self.split(path)
        let candidates = routes.withLock { $0 }.filter { $0.segments.count == segments.count }
        var best: (Route, [String: String], literals: Int)?
        for route in candidates {
            var parameters: [String: String] = [:]
            var literals = 0
            var fits = true
            for (pattern, segment) in zip(route.segments, segments) {
                if pattern.hasPrefix("{"), pattern.hasSuffix("}") {
                    parameters[String(pattern.dropFirst().dropLast())] = String(segment).removingPercentEncoding ?? String(segment)
                } else if pattern == segment {
                    literals += 1
                } else {
                    fits = false
                    break
                }
            }
            if fits, literals > (best?.literals ?? -1) { best = (route, parameters, literals) }
        }
        return best.map { Match(route: $0.0, parameters: $0.1) }
    }

    static func split(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0 }
    }
}

/// A transport that records each operation the generated code registers, then hands it to
/// the real one (the router).
struct RecordingTransport: ServerTransport {
    let base: any ServerTransport
    let table: OperationTable

    func register(
        _ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        table.add(method: method, template: path)
        try base.register(handler, method: method, path: path)
    }
}
