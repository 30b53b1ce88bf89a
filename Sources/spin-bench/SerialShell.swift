import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The busybox test guest's shell on its serial console (qemu's `serial.sock`), driven like a
/// person at a terminal: a command line goes in, output is read until a marker the command
/// prints at its end. The marker is written as arithmetic (`echo END-$((41+1))`), so the
/// terminal's echo of the typed line never matches it — only the shell's output does.
final class SerialShell {
    private let fd: Int32
    private var counter = 0

    private init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// Connects to the console socket (qemu serves one client at a time).
    static func connect(path: String) throws -> SerialShell {
        guard let socket = try RawQMPSocket.connectedDescriptor(path: path) else { throw BenchError("nothing listens on \(path)") }
        return SerialShell(fd: socket)
    }

    /// Runs `command` and returns what was printed up to its end marker; throws after `timeout`.
    @discardableResult
    func run(_ command: String, timeout: Duration = .seconds(120)) throws -> String {
        counter += 1
        let number = 1000 + counter
        let line = "\(command); echo SPIN-END-$((\(number - 1)+1))\n"
        try write(Array(line.utf8))
        return try read(until: "SPIN-END-\(number)", timeout: timeout)
    }

    /// Waits until the shell answers (it starts after the ready marker), resending a no-op.
    func waitForPrompt(timeout: Duration = .seconds(120)) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? run("true", timeout: .seconds(2))) != nil { return }
        }
        throw BenchError("the guest's serial shell did not answer within \(timeout)")
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw BenchError("write to the serial console: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    private func read(until marker: String, timeout: Duration) throws -> String {
        let deadline = ContinuousClock.now + timeout
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !text.contains(marker) {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw BenchError("no \(marker) on the serial console within \(timeout); got: \(text.suffix(300))") }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(left.components.seconds * 1000 + 1, 1000)))
            if ready < 0 && errno != EINTR { throw BenchError("poll: \(String(cString: strerror(errno)))") }
            guard ready > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw BenchError("the serial console closed") }
            text += String(decoding: buffer[0..<n], as: UTF8.self)
        }
        return text
    }
}
