import Foundation
import OpenAPIRuntime
import SpinAPI
import SpinCore

/// The generated API's implementation: each operation calls the ``Spin`` facade. The
/// operations are split by entity into one extension ("controller") per file.
///
/// Handlers throw ``SpinError`` only; `ErrorMiddleware` turns it into the JSON error shape
/// with the status from `SpinError.Code.httpStatus`.
struct APIHandler: APIProtocol {
    let spin: Spin
    let metrics: ServerMetrics
    let options: ServerOptions

    /// Runs an SDK call, turning any error that is not a ``SpinError`` into `.internal` so
    /// that no error is mistaken for bad input.
    func call<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SpinError {
            throw error
        } catch is CancellationError {
            throw SpinError(.unavailable, "the server is shutting down; retry")
        } catch {
            throw SpinError(.internal, "internal error: \(error)", cause: error)
        }
    }
}
