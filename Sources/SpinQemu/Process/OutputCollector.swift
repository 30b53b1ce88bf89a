import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Drains a child's stdout and stderr pipes on one dedicated thread with `poll(2)`, splits
/// them into lines for an optional callback, then reaps the child and reports the result.
///
/// Everything here runs on the collector's own thread; nothing is shared with other threads
/// except the immutable configuration, so the type is `@unchecked Sendable` by construction.
final class OutputCollector: @unchecked Sendable {
    private let child: SpawnedChild
    private let onLine: (@Sendable (OutputStream, String) -> Void)?
    private let completion: @Sendable (ProcessResult) -> Void

    init(
        child: SpawnedChild,
        onLine: (@Sendable (OutputStream, String) -> Void)?,
        completion: @escaping @Sendable (ProcessResult) -> Void
    ) {
        self.child = child
        self.onLine = onLine
        self.completion = completion
    }

    /// Starts the thread; `completion` is called exactly once, from that thread.
    func start() {
        let thread = Thread { [self] in self.runLoop() }
        thread.name = "spin-child-\(child.pid)"
        thread.start()
    }

    private func runLoop() {
        var output = Data()
        var error = Data()
        var outLines = LineSplitter()
        var errLines = LineSplitter()
        var fds = [
            pollfd(fd: child.standardOutput, events: Int16(POLLIN), revents: 0),
            pollfd(fd: child.standardError, events: Int16(POLLIN), revents: 0),
        ]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while fds.contains(where: { $0.fd >= 0 }) {
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in fds.indices where fds[index].fd >= 0 && fds[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(fds[index].fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR || errno == EAGAIN { continue }
                if count <= 0 {
                    close(fds[index].fd)
                    fds[index].fd = -1
                    continue
                }
                let chunk = buffer[0..<count]
                if index == 0 {
                    output.append(contentsOf: chunk)
                    if let onLine { outLines.feed(chunk) { onLine(.standardOutput, $0) } }
                } else {
                    error.append(contentsOf: chunk)
                    if let onLine { errLines.feed(chunk) { onLine(.standardError, $0) } }
                }
            }
        }
        if let onLine {
            outLines.finish { onLine(.standardOutput, $0) }
            errLines.finish { onLine(.standardError, $0) }
        }
        let termination: ProcessTermination
        switch SpawnedChild.reap(pid: child.pid) {
        case .success(let value): termination = value
        case .failure: termination = .exited(-1)
        }
        completion(ProcessResult(termination: termination, standardOutput: output, standardError: error))
    }
}

/// Splits a byte stream into lines ending in `\n` or `\r`; empty lines are dropped.
struct LineSplitter {
    private var pending: [UInt8] = []

    /// Appends `bytes` and emits every completed line.
    mutating func feed(_ bytes: some Sequence<UInt8>, _ emit: (String) -> Void) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if !pending.isEmpty { emit(String(decoding: pending, as: UTF8.self)) }
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
            }
        }
    }

    /// Emits a last line that had no terminator.
    mutating func finish(_ emit: (String) -> Void) {
        if !pending.isEmpty { emit(String(decoding: pending, as: UTF8.self)) }
        pending.removeAll()
    }
}
