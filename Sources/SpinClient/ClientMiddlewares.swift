import Foundation
import HTTPTypes
import OpenAPIRuntime
import SpinAPI
import SpinCore

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
        if let decoded = try? JSONDecoder().decode(Components.Schemas.ErrorBody.self, from: bytes) {
            let code = SpinError.Code(name: decoded.error.code.rawValue) ?? .internal
            throw SpinError(code, decoded.error.message)
        }
        let text = String(decoding: bytes.prefix(500), as: UTF8.self)
        throw SpinError(response.status.code == 401 ? .unauthorized : .internal, "HTTP \(response.status.code) from \(operationID): \(text)")
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
