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
        return try await next(request, context)
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
