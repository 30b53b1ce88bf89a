import HummingbirdWebSocket
import NIOCore

/// Copies bytes both ways between a console WebSocket and the VM's console socket, as binary
/// frames, until either side ends; then both are closed and both copying tasks have finished.
enum ConsoleProxy {
    /// The largest message accepted from the browser (keystrokes and pointer events are tiny).
    static let maxInboundMessage = 1 << 20

    /// Runs the proxy; returns when the WebSocket or the socket closes.
    static func run(_ connection: ConsoleConnector.Connection, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let channel = connection.channel
        try await connection.executeThenClose { fromVM, toVM in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // When the VM's side ends (it stopped), say so to the viewer, whose close
                    // reply then ends the other task.
                    do {
                        for try await buffer in fromVM {
                            try await outbound.write(.binary(buffer))
                        }
                    } catch {
                        try? await outbound.close(.goingAway, reason: "the VM's console failed")
                        throw error
                    }
                    try? await outbound.close(.normalClosure, reason: "the VM's console closed")
                }
                group.addTask {
                    // The viewer left: closing the socket ends the other task.
                    defer { channel.close(promise: nil) }
                    for try await message in inbound.messages(maxSize: maxInboundMessage) {
                        switch message {
                        case .binary(let buffer): try await toVM.write(buffer)
                        case .text(let text): try await toVM.write(ByteBuffer(string: text))
                        }
                    }
                }
                defer { group.cancelAll() }
                _ = try await group.next()
            }
        }
    }
}
