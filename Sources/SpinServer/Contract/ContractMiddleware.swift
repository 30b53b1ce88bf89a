import Foundation
import Hummingbird
import SpinCore

/// Holds every request on a path the OpenAPI document declares to what the document says:
/// an undeclared method is 405 with `Allow` (the declared methods), a path or query
/// parameter outside its schema is 400 naming it. Paths the document does not declare (the
/// console, noVNC's files, `/openapi.yaml`) pass untouched.
struct ContractMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: OperationTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let match = table.match(request.uri.path) else { return try await next(request, context) }
        let route = match.route
        guard route.methods.contains(request.method) else {
            return Self.methodNotAllowed(request, route)
        }
        for (name, value) in match.parameters.sorted(by: { $0.key < $1.key }) {
            if let rule = ParameterRule.path(name, in: route.template), let problem = rule.problem(with: value) {
                throw SpinError(.invalidArgument, "path parameter \(name) \(Self.shown(value)) \(problem)")
            }
        }
        let rules = ParameterRule.query(in: route.template)
        for (name, rule) in rules.sorted(by: { $0.key < $1.key }) {
            for value in request.uri.queryParameters.getAll(name) {
                if let problem = rule.problem(with: String(value)) {
                    throw SpinError(.invalidArgument, "query parameter \(name) \(Self.shown(String(value))) \(problem)")
                }
            }
        }
        var request = request
        if request.method == .post || request.method == .patch || request.method == .put {
            // The body is already collected (BodyLimitMiddleware); the document allows null
            // nowhere but inside a raw command's free-form parameters.
            let body = try await request.collectBody(upTo: .max)
            if let field = Self.nullField(in: body, freeForm: route.template == "/v1/packages/{id}/commands" ? "parameters" : nil) {
                throw SpinError(.invalidArgument, "\(field) is null; leave the key out instead (the document allows null nowhere)")
            }
        }
        return try await next(request, context)
    }

    /// The properties the document declares in request bodies (see ``requestProperties``).
    static var declaredProperties: Set<String> { requestProperties }

    /// The path of the first JSON null under a declared property of `body` (outside the
    /// top-level key `freeForm`), or nil — also for a body that is not JSON: the operation's
    /// decoding judges it.
    static func nullField(in body: ByteBuffer, freeForm: String?) -> String? {
        guard body.readableBytes > 0,
            let value = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [.fragmentsAllowed])
        else { return nil }
        func find(_ value: Any, _ path: String) -> String? {
            switch value {
            case is NSNull:
                return path
            case let object as [String: Any]:
                for key in object.keys.sorted() where declaredProperties.contains(key) && !(path.isEmpty && key == freeForm) {
                    // Label values are free-form strings: the decoder refuses a null there.
                    guard key != "labels" else { continue }
                    if let found = find(object[key] as Any, path.isEmpty ? key : path + "." + key) { return found }
                }
            case let array as [Any] where !path.isEmpty:
                for (index, element) in array.enumerated() {
                    if let found = find(element, path + "[\(index)]") { return found }
                }
            default:
                break
            }
            return nil
        }
        return find(value, "")
    }

    /// 405: the error body, and `Allow` with the declared methods.
    static func methodNotAllowed(_ request: Request, _ route: OperationTable.Route) -> Response {
        let message = "\(request.method.rawValue) is not an operation of \(route.template); it allows \(route.allow)"
        let body = #"{"error":{"code":"method_not_allowed","message":"# + ErrorBody.jsonString(message) + "}}"
        return Response(
            status: .methodNotAllowed,
            headers: [.allow: route.allow, .contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A value for a message: quoted, cut at 80 characters.
    static func shown(_ value: String) -> String {
        let cut = value.unicodeScalars.count > 80 ? String(String.UnicodeScalarView(value.unicodeScalars.prefix(80))) + "…" : value
        return ErrorBody.jsonString(cut)
    }
}

/// The properties the document declares in request bodies. A null is refused under these
/// only: an undeclared key may hold anything (the schemas allow additional properties).
let requestProperties: Set<String> = [
    "accelerator", "action", "append", "attachment", "autostart", "cpus", "dependencies", "errorCode", "force",
    "format", "guestPort", "hostAddress", "hostPort", "id", "image", "initrd", "kernel", "kind", "labels",
    "leaseSeconds", "memoryMiB", "name", "newImage", "newImages", "parameters", "path", "ports", "protocol",
    "reason", "removeKernel", "resource", "sizeBytes", "stopTimeoutSeconds", "storage", "success", "toName",
    "toVolume", "token", "volume",
]
