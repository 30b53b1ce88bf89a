import Hummingbird
import NIOCore

extension Response {
    /// Reads the whole body into one buffer and leaves the response serving that buffer, so a
    /// middleware can keep the bytes (to answer again) and still send them now.
    mutating func collectBody() async throws -> ByteBuffer {
        let collector = BodyCollector()
        try await body.write(collector)
        let collected = collector.collected
        body = ResponseBody(byteBuffer: collected)
        return collected
    }
}

/// A response body writer that keeps what is written.
private struct BodyCollector: ResponseBodyWriter {
    private let box = Box()

    final class Box: @unchecked Sendable {
        // Used by one request's task only, start to finish.
        var buffer = ByteBuffer()
    }

    var collected: ByteBuffer { box.buffer }

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        box.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
