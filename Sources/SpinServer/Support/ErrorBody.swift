import Foundation
import Hummingbird
import OpenAPIRuntime
import SpinCore

/// Turns any error into the API's one error shape, `{"error":{"code","message"}}`, with the
/// status from ``SpinError/Code/httpStatus`` — the only place statuses come from.
enum ErrorBody {
    /// The `SpinError` an error stands for: handler errors pass through, request decoding
    /// problems are `invalid_argument`, Hummingbird's own errors keep their meaning.
    static func spinError(for error: any Error) -> SpinError {
        switch error {
        case let spin as SpinError:
            return spin
        case let server as ServerError:
            if let spin = server.underlyingError as? SpinError { return spin }
            // No decoded input: the request itself was wrong (a missing parameter, a wrong
            // type, a body that does not decode). With one, the handler failed unexpectedly.
            if server.operationInput == nil {
                return SpinError(.invalidArgument, "bad request: \(Self.detail(server.underlyingError))")
            }
            return SpinError(.internal, "internal error in \(server.operationID): \(server.underlyingError)")
        case let http as HTTPError:
            return SpinError(code(for: http.status), http.body ?? http.status.reasonPhrase)
        case let decoding as DecodingError:
            return SpinError(.invalidArgument, "bad request body: \(Self.detail(decoding))")
        default:
            return SpinError(.internal, "internal error: \(error)")
        }
    }

    /// The code for a status Hummingbird chose (no route, method not allowed, body too big).
    static func code(for status: HTTPResponse.Status) -> SpinError.Code {
        switch status.code {
        case 401: .unauthorized
        case 403: .forbidden
        case 404, 405: .notFound
        case 409: .conflict
        case 400..<500: .invalidArgument
        case 503: .unavailable
        default: .internal
        }
    }

    /// A short, single-line description of a decoding problem.
    static func detail(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing key \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        case let spin as SpinError: return spin.message
        default: return String(describing: error)
        }
    }

    /// The JSON bytes of the error body.
    static func json(_ error: SpinError) -> Data {
        struct Body: Encodable {
            struct Inner: Encodable { let code: String; let message: String }
            let error: Inner
        }
        let body = Body(error: .init(code: error.code.name, message: error.message))
        return (try? JSONEncoder().encode(body)) ?? Data(#"{"error":{"code":"internal","message":"encoding failed"}}"#.utf8)
    }

    /// `text` as a JSON string literal, quotes included.
    static func jsonString(_ text: String) -> String {
        (try? JSONEncoder().encode(text)).flatMap { String(data: $0, encoding: .utf8) } ?? "\"\""
    }

    /// A complete Hummingbird response for `error`.
    static func response(_ error: SpinError, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers.append(contentsOf: extra)
        return Response(
            status: .init(code: error.code.httpStatus),
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: json(error))))
    }
}
