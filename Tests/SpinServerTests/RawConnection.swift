import Foundation

/// A plain TCP connection to 127.0.0.1 for tests that need the bytes on the wire (an idle
/// client, a half-sent request); reads wait with `poll` up to a limit.
final class RawConnection: @unchecked Sendable {
    private var fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(fd)
            throw FixtureError("connect to port \(port): \(message)")
        }
    }

    deinit { close() }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else {
            throw FixtureError("send: \(String(cString: strerror(errno)))")
        }
    }

    /// What arrives within `limit` (stops at the first pause after some bytes came).
    func read(limit: Duration) -> String {
        var received: [UInt8] = []
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let wait = received.isEmpty ? deadline - ContinuousClock.now : .milliseconds(200)
            guard let chunk = next(within: wait), !chunk.isEmpty else { break }
            received += chunk
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Whether the peer closed the connection within `limit` (bytes before the close are skipped).
    func readUntilClosed(limit: Duration) -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            guard let chunk = next(within: deadline - ContinuousClock.now) else { return false }
            if chunk.isEmpty { return true }
        }
        return false
    }

    /// The next bytes: nil when none came in time, empty at end of stream (or an error).
    private func next(within wait: Duration) -> [UInt8]? {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(max(0, min(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000, 60_000)))
        guard poll(&descriptor, 1, milliseconds) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? Array(buffer[..<count]) : []
    }

    func close() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }
}
