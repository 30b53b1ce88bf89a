import Hummingbird
import SpinCore

/// Refuses request bodies over a limit before any handler reads them: by `Content-Length`
/// when it is given, and by collecting at most `limit` bytes otherwise.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw SpinError(.invalidArgument, "the request body is \(length) bytes; the limit is \(limit) bytes")
        }
        guard request.method == .post || request.method == .put || request.method == .patch else {
            return try await next(request, context)
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw SpinError(.invalidArgument, "the request body is over the limit of \(limit) bytes")
        }
        return try await next(request, context)
    }
}
