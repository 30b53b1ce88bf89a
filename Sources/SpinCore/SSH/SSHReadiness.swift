import Foundation

/// Whether a guest's SSH server answers behind its forward. qemu's user-mode forward accepts
/// every connection at once, even before the guest has booted, so only the server's `SSH-`
/// banner says it is there.
public enum SSHReadiness {
    /// Polls `host:port` every half second until an SSH banner arrives or `timeout` passes.
    /// - Returns: whether the server answered.
    public static func wait(host: String = "127.0.0.1", port: Int, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if answers(host: host, port: port) { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }

    /// Whether a connection to `host:port` (IPv4) receives `SSH-` within a second.
    public static func answers(host: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var limit = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return false }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 4)
        var received = 0
        while received < 4 {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + received, 4 - received, 0) }
            if count <= 0 { return false }
            received += count
        }
        return buffer == Array("SSH-".utf8)
    }
}
