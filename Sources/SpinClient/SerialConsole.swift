import NIOCore
import NIOWebSocket

/// A VM's serial console, open through a spin server's WebSocket (see
/// ``SpinRemote/withSerialConsole(_:_:)``): the guest's output as a stream of byte chunks,
/// and a way to send bytes to its serial port.
public struct SerialConsole: Sendable {
    /// What the guest writes to its serial port, chunk by chunk, in order. Ends when the
    /// console closes (the VM stopped, or the server shut down); throws on a broken connection.
    public let output: AsyncThrowingStream<[UInt8], any Error>
    let writer: NIOAsyncChannelOutboundWriter<WebSocketFrame>

    /// Sends bytes to the guest's serial port as they are (a shell wants `\r` to end a line).
    public func send(_ bytes: [UInt8]) async throws {
        try await writer.write(Self.frame(.binary, ByteBuffer(bytes: bytes)))
    }

    /// Sends text (UTF-8).
    public func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    /// A client frame: clients must mask everything they send.
    static func frame(_ opcode: WebSocketOpcode, _ data: ByteBuffer) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: opcode, maskKey: .random(), data: data)
    }
}
