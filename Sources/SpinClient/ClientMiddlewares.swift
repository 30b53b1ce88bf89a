import Foundation
import HTTPTypes
import OpenAPIRuntime
import SpinAPI
import SpinModel

/// Turns every error response into the ``SpinError`` the server sent, so callers see one
/// error type whichever side failed.
struct ErrorMiddleware: ClientMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        guard response.status.code >= 400 else { return (response, responseBody) }
        var bytes = Data()
        if let responseBody { bytes = try await Data(collecting: responseBody, upTo: 1 << 20) }
        throw Self.spinError(status: response.status.code, body: bytes, operation: operationID)
    }

    /// The ``SpinError`` an error response stands for: the server's own, decoded from the
    /// JSON error body, else one that quotes the body.
    static func spinError(status: Int, body: Data, operation: String) -> SpinError {
        if let decoded = try? JSONDecoder().decode(Components.Schemas.ErrorBody.self, from: body) {
            let code = SpinError.Code(name: decoded.error.code.rawValue) ?? .internal
            return SpinError(code, decoded.error.message)
        }
        let text = String(decoding: body.prefix(500), as: UTF8.self)
        return SpinError(status == 401 ? .unauthorized : .internal, "HTTP \(status) from \(operation): \(text)")
    }
}

/// Sends `Authorization: Bearer TOKEN`.
struct BearerMiddleware: ClientMiddleware {
    let token: String

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(token)"
        return try await next(request, body, baseURL)
    }
}
