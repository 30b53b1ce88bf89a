import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The smallest QMP client that works: a blocking unix socket, `write` a line, `read` until
/// a line that is a reply (events are skipped). The baseline against which ``QMPClient`` and
/// spin's own polling are measured; nothing here is meant for production.
final class RawQMPSocket {
    let fd: Int32
    /// qemu's version from the greeting (`major.minor.micro`), after ``handshake()``.
    private(set) var greetingVersion = ""
    private var storage = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0

    private init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// Connects once; nil when nothing listens yet (ENOENT, ECONNREFUSED).
    static func tryConnect(path: String) throws -> RawQMPSocket? {
        try connectedDescriptor(path: path).map(RawQMPSocket.init(fd:))
    }

    /// A blocking unix stream socket connected to `path`; nil when nothing listens yet.
    static func connectedDescriptor(path: String) throws -> Int32? {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket(): \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { close(fd); throw BenchError("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if result != 0 {
            let code = errno
            close(fd)
            if code == ENOENT || code == ECONNREFUSED { return nil }
            throw BenchError("connect \(path): \(String(cString: strerror(code)))")
        }
        return fd
    }

    /// Connects, reads the greeting and negotiates capabilities.
    static func open(path: String) throws -> RawQMPSocket {
        guard let socket = try tryConnect(path: path) else { throw BenchError("nothing listens on \(path)") }
        try socket.handshake()
        return socket
    }

    /// Reads the greeting and sends `qmp_capabilities`.
    func handshake() throws {
        _ = try nextLine { bytes in
            greetingVersion = Self.version(in: String(decoding: bytes, as: UTF8.self))
            return true
        }
        _ = try command(Array(#"{"execute":"qmp_capabilities"}"#.utf8) + [10], replyContains: "\"return\"")
    }

    /// `major.minor.micro` from a greeting line.
    static func version(in greeting: String) -> String {
        let number = { (key: String) -> String in
            guard let range = greeting.range(of: "\"\(key)\": ") else { return "?" }
            return String(greeting[range.upperBound...].prefix { $0.isNumber })
        }
        return "\(number("major")).\(number("minor")).\(number("micro"))"
    }

    static let queryStatus = Array(#"{"execute":"query-status"}"#.utf8) + [10]

    /// Sends one command line (ending in a newline) and reads up to its reply (the first line
    /// with `return` or `error`; events are skipped). Returns whether the reply contains
    /// `replyContains`. Allocates nothing per call.
    func command(_ line: [UInt8], replyContains: StaticString) throws -> Bool {
        try writeAll(line)
        while true {
            var isReply = false
            let matched = try nextLine { bytes in
                isReply = Self.contains(bytes, "\"return\"") || Self.contains(bytes, "\"error\"")
                return Self.contains(bytes, replyContains)
            }
            if isReply { return matched }
        }
    }

    /// `query-status`, answering whether the VM runs.
    func isRunning() throws -> Bool {
        try command(Self.queryStatus, replyContains: "\"running\": true")
    }

    func writeAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw BenchError("write: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    /// Reads one line; whether it was a reply (not an event).
    func readReply() throws -> Bool {
        var isReply = false
        _ = try nextLine { bytes in
            isReply = Self.contains(bytes, "\"return\"") || Self.contains(bytes, "\"error\"")
            return true
        }
        return isReply
    }

    /// Reads until a whole line is buffered and hands it (without the newline) to `body`.
    private func nextLine(_ body: (UnsafeBufferPointer<UInt8>) -> Bool) throws -> Bool {
        while true {
            if let newline = storage[start..<end].firstIndex(of: 10) {
                let result = storage.withUnsafeBufferPointer { all in
                    body(UnsafeBufferPointer(rebasing: all[start..<newline]))
                }
                start = newline + 1
                if start == end { start = 0; end = 0 }
                return result
            }
            if start > 0 {
                storage.withUnsafeMutableBufferPointer { all in
                    _ = memmove(all.baseAddress!, all.baseAddress! + start, end - start)
                }
                end -= start
                start = 0
            }
            guard end < storage.count else { throw BenchError("QMP line longer than \(storage.count) bytes") }
            let n = storage.withUnsafeMutableBytes { read(fd, $0.baseAddress! + end, $0.count - end) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw BenchError("QMP socket closed") }
            end += n
        }
    }

    /// Whether `needle` occurs in `haystack` (no allocation: the baseline stays lean).
    static func contains(_ h: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
        let n = needle.utf8Start
        let m = needle.utf8CodeUnitCount
        guard h.count >= m else { return false }
        outer: for i in 0...(h.count - m) {
            for j in 0..<m where h[i + j] != n[j] { continue outer }
            return true
        }
        return false
    }
}

/// A benchmark harness failure.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension RawQMPSocket {
    /// Sends `line` `count` times keeping up to `window` requests unanswered.
    func pipeline(_ line: [UInt8], count: Int, window: Int) throws {
        var sent = 0
        var answered = 0
        while answered < count {
            while sent < count, sent - answered < window {
                try writeAll(line)
                sent += 1
            }
            if try readReply() { answered += 1 }
        }
    }
}
