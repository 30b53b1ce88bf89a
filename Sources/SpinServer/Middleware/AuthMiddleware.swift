import Hummingbird
import SpinCore

/// Requires the server's token on every request: `Authorization: Bearer TOKEN`, or on the
/// browser paths also `?token=` or the console cookie (see ``BrowserCredentials``). The token
/// is compared in constant time. Installed only when the server has a token (TCP).
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: ServerToken

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try token.authorize(request)
        return try await next(request, context)
    }
}
