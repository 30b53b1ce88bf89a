import AsyncHTTPClient
import Foundation
import NIOCore
import NIOWebSocket
import SpinModel

extension SpinRemote {
    /// Opens VM `ref`'s serial console through the server (`GET /v1/vms/{ref}/console/serial`,
    /// a WebSocket; over the unix socket or TCP, with the token) and runs `body` with it; the
    /// connection is closed when `body` returns or throws.
    ///
    /// ```swift
    /// try await remote.withSerialConsole("web") { console in
    ///     try await console.send("uname -a\r")
    ///     for try await chunk in console.output { FileHandle.standardOutput.write(Data(chunk)) }
    /// }
    /// ```
    ///
    /// `console.output` ends when the VM's console closes. qemu serves one serial client at a
    /// time: while another client (a browser, `spin console`) is attached, this one's
    /// connection waits in the socket's queue and sees output once the other detaches.
    /// - Parameter ref: the VM's id or name.
    /// - Throws: ``SpinError`` — `.notFound` for an unknown VM, `.failedPrecondition` when it is
    ///   not running, `.unauthorized` without the right token, `.unavailable` when the server
    ///   cannot be reached.
    public func withSerialConsole<T: Sendable>(_ ref: String, _ body: (SerialConsole) async throws -> T) async throws -> T {
        let encoded = ref.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ref
        let path = "/v1/vms/\(encoded)/console/serial"
        guard let connection = try await ConsoleWebSocketClient(endpoint: endpoint, token: token, tls: tls).connect(path: path) else {
            throw await declinedError(path: path)
        }
        return try await connection.executeThenClose { inbound, outbound in
            let (output, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await Self.read(inbound, outbound, into: continuation) }
                defer { group.cancelAll() }
                let result = try await body(SerialConsole(output: output, writer: outbound))
                try? await outbound.write(SerialConsole.frame(.connectionClose, ByteBuffer(integer: UInt16(1000))))
                return result
            }
        }
    }

    /// Copies data frames into `continuation`, answers pings, and ends at the close frame.
    private static func read(
        _ inbound: NIOAsyncChannelInboundStream<WebSocketFrame>, _ outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>,
        into continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    ) async {
        do {
            for try await frame in inbound {
                switch frame.opcode {
                case .binary, .text, .continuation:
                    continuation.yield(Array(buffer: frame.unmaskedData))
                case .ping:
                    try await outbound.write(SerialConsole.frame(.pong, frame.unmaskedData))
                case .connectionClose:
                    continuation.finish()
                    return
                default:
                    continue
                }
            }
            continuation.finish()
        } catch {
            continuation.finish(throwing: error)
        }
    }

    /// Why the server declined the upgrade: a plain GET of the same path answers with the
    /// error (404 unknown VM, 409 not running, 401 token).
    private func declinedError(path: String) async -> SpinError {
        let base = endpoint.baseURL.absoluteString
        var request = HTTPClientRequest(url: (base.hasSuffix("/") ? String(base.dropLast()) : base) + path)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        do {
            let response = try await http.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            return ErrorMiddleware.spinError(status: Int(response.status.code), body: Data(body.readableBytesView), operation: "console")
        } catch {
            return SpinError(.unavailable, "the spin server at \(endpoint) refused the console WebSocket: \(error)", cause: error)
        }
    }
}
