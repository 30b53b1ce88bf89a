import Foundation
import Glibc
import Synchronization

/// A scripted QMP peer on a unix socket in the test process. Each accepted connection runs
/// `script` on its own thread with a ``StubPeer``.
final class StubQMPServer: Sendable {
    let path: String
    private let listener: Int32
    private let stopped = Mutex(false)

    static let greeting = #"{"QMP": {"version": {"qemu": {"micro": 1, "minor": 2, "major": 7}, "package": " Debian "}, "capabilities": ["oob"]}}"#

    init(path: String, script: @escaping @Sendable (StubPeer) -> Void) throws {
        self.path = path
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        self.listener = listener
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(listener, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        Thread {
            while true {
                let fd = accept(listener, nil, nil)
                if fd < 0 { return }
                Thread { script(StubPeer(fd: fd)) }.start()
            }
        }.start()
    }

    /// Stops accepting (connections already accepted stay with their scripts).
    func stop() {
        guard !stopped.withLock({ value in defer { value = true }; return value }) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    deinit { stop() }
}

/// One connection as seen by the stub: blocking line reads and writes.
final class StubPeer: @unchecked Sendable {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    /// Sends `text` followed by CRLF, as QEMU does.
    func send(_ text: String, newline: Bool = true) {
        let bytes = Array((text + (newline ? "\r\n" : "")).utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads one line (without terminator), or nil at EOF.
    func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// Reads one request and returns its `execute` and `id` (id as JSON text, e.g. `"spin-1"`).
    func readRequest() -> (execute: String, id: String)? {
        guard let line = readLine(),
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let execute = object["execute"] as? String
        else { return nil }
        let id = (object["id"] as? String).map { "\"\($0)\"" } ?? "null"
        return (execute, id)
    }

    /// Greets, answers `qmp_capabilities`, and returns.
    func handshake() {
        send(StubQMPServer.greeting)
        if let request = readRequest() { send(#"{"return": {}, "id": \#(request.id)}"#) }
    }

    /// Sends raw bytes (a guest agent's 0xFF sentinel, a partial line).
    func send(bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func close() { Glibc.close(fd) }
}
