import Hummingbird
import SpinCore

/// Requires `Authorization: Bearer TOKEN` on every request; the token is compared in
/// constant time. Installed only when the server listens on TCP.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: ServerToken

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw SpinError(.unauthorized, "this server needs a bearer token; pass --token or set SPIN_TOKEN (spin-server token prints it)")
        }
        let prefix = "bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix,
            token.matches(header.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces))
        else {
            throw SpinError(.unauthorized, "the bearer token is wrong; spin-server token prints the right one")
        }
        return try await next(request, context)
    }
}
