import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Unix stream socket primitives used by the QMP connection: a connect that never blocks,
/// then a blocking socket for the connection's reader thread.
enum UnixSocket {
    /// `sun_path` holds 108 bytes including the terminating NUL.
    static let maximumPathLength = 107

    /// Connects once. Returns the fd, or throws the errno (as `QMPError.transport`) with
    /// `retryable` telling whether QEMU may simply not be listening yet.
    static func connect(path: String) throws(ConnectFailure) -> Int32 {
        let bytes = Array(path.utf8)
        guard bytes.count <= maximumPathLength, !bytes.isEmpty else {
            throw ConnectFailure(errno: ENAMETOOLONG, message: "socket path \"\(path)\" is empty or longer than \(maximumPathLength) bytes; use a shorter runtime directory")
        }
        // Non-blocking for the connect only: when the listener's backlog is full (qemu serves
        // one QMP client at a time) a blocking connect would hold a thread of the task pool
        // until a place frees up — on a 2-core host, two such waits starved the very client
        // that was to leave. EAGAIN is retried by the caller after an async sleep instead.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw ConnectFailure(errno: errno, message: "socket(): \(errorText(errno))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result != 0 {
            let code = errno
            close(fd)
            throw ConnectFailure(errno: code, message: "connect to \(path): \(errorText(code))")
        }
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0 else {
            let code = errno
            close(fd)
            throw ConnectFailure(errno: code, message: "fcntl on the socket to \(path): \(errorText(code))")
        }
        return fd
    }

    /// Writes all of `data`; never raises SIGPIPE.
    static func sendAll(fd: Int32, _ data: [UInt8]) -> Int32 {
        var offset = 0
        while offset < data.count {
            let written = data.withUnsafeBytes { raw in
                send(fd, raw.baseAddress.map { $0 + offset }, data.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return 0
    }

    /// `strerror` as a Swift string.
    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// A failed connect attempt.
    struct ConnectFailure: Error {
        var errno: Int32
        var message: String
        /// QEMU creates the socket file before it listens: these clear up by themselves.
        var isRetryable: Bool { errno == ECONNREFUSED || errno == ENOENT || errno == EAGAIN }
    }
}
