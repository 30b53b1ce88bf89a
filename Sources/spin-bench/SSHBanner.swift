import Foundation

/// Waits for an SSH server behind a 127.0.0.1 port: qemu's user-mode forward accepts every
/// connection at once, so only the server's `SSH-` banner says the guest answers.
enum SSHBanner {
    static func wait(port: Int, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if read(port: port) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw BenchError("no SSH banner on 127.0.0.1:\(port) within \(timeout)")
    }

    /// Whether a connection to the port receives `SSH-` within a second.
    static func read(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var limit = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count >= 4 && buffer[0..<4] == Array("SSH-".utf8)[0..<4]
    }
}
