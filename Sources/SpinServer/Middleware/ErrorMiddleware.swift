import Hummingbird
import Logging
import SpinCore

/// Catches every error below it and answers with the API's JSON error shape, so that no
/// request ever gets Hummingbird's plain-text errors or a bare 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let spin = ErrorBody.spinError(for: error)
            if spin.code == .internal {
                logger.error("\(request.method) \(request.uri.path): \(error)")
            } else {
                logger.debug("\(request.method) \(request.uri.path): \(spin.code.name): \(spin.message)")
            }
            return ErrorBody.response(spin)
        }
    }
}
