import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The socket and bookkeeping behind a ``GuestAgentClient``.
///
/// Concurrency model: one dedicated reader thread does blocking `read(2)`s, splits the stream
/// into lines (a 0xFF sentinel drops a partial line) and hands each JSON object to the one
/// waiter, if it is the reply that waiter expects; everything else is stale and dropped. The
/// client's gate ensures there is at most one waiter at a time. EOF fails the waiter with
/// ``GuestAgentError/disconnected``. State sits in one `Mutex`; the continuation is resumed
/// outside it, exactly once (whoever removes it from the state resumes it).
///
/// The fd stays open until this object is deinitialized, so ``close()`` (a `shutdown(2)`) can
/// never hit a recycled descriptor; the reader thread holds a strong reference until EOF.
final class GuestAgentConnection: Sendable {
    /// Which message completes a request.
    enum Expectation: Sendable {
        /// The `guest-sync-delimited` reply whose `return` is this id.
        case sync(Int64)
        /// The reply with this `id`, or a reply without any `id` (the stream is synchronized,
        /// so the next reply is ours).
        case reply(id: String)

        func accepts(_ message: JSON) -> Bool {
            switch self {
            case .sync(let id):
                return message["return"]?.integerValue == id
            case .reply(let id):
                if let replyID = message["id"] { return replyID == .string(id) }
                return message["return"] != nil || message["error"] != nil
            }
        }
    }

    struct Waiter {
        var key: Int
        var expectation: Expectation
        var continuation: CheckedContinuation<JSON, any Error>
    }

    struct State {
        var closed = false
        var nextKey = 0
        var waiter: Waiter?
    }

    let fd: Int32
    let state = Mutex(State())
    private let writeLock = Mutex(())

    init(fd: Int32) { self.fd = fd }

    deinit { Glibc.close(fd) }

    /// Starts the reader thread.
    func start() {
        let thread = Thread { [self] in self.readLoop() }
        thread.name = "spin-qga-reader"
        thread.start()
    }

    /// Half-closes the socket both ways; the reader then sees EOF and fails the waiter.
    func close() { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) }

    /// Whether EOF has been seen.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Registers a waiter for `expectation`, writes `bytes`, and waits for the matching
    /// message. Cancellation fails the wait with `CancellationError`.
    func request(_ bytes: [UInt8], expecting expectation: Expectation) async throws -> JSON {
        let key = state.withLock { state -> Int in
            state.nextKey += 1
            return state.nextKey
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JSON, any Error>) in
                enum Outcome { case registered, closed, busy }
                let outcome = state.withLock { state -> Outcome in
                    if state.closed { return .closed }
                    if state.waiter != nil { return .busy }
                    state.waiter = Waiter(key: key, expectation: expectation, continuation: continuation)
                    return .registered
                }
                switch outcome {
                case .closed: continuation.resume(throwing: GuestAgentError.disconnected); return
                case .busy: continuation.resume(throwing: GuestAgentError.invalidRequest("another request is in flight")); return
                case .registered: break
                }
                if Task.isCancelled {
                    take(key)?.resume(throwing: CancellationError())
                    return
                }
                let code = writeLock.withLock { _ in UnixSocket.sendAll(fd: fd, bytes) }
                guard code != 0 else { return }
                let failure: GuestAgentError =
                    code == EPIPE || code == ECONNRESET || code == ENOTCONN
                    ? .disconnected : .transport("write: \(UnixSocket.errorText(code))")
                take(key)?.resume(throwing: failure)
            }
        } onCancel: {
            self.take(key)?.resume(throwing: CancellationError())
        }
    }

    /// Removes the waiter if it is still `key`'s.
    private func take(_ key: Int) -> CheckedContinuation<JSON, any Error>? {
        state.withLock { state in
            guard let waiter = state.waiter, waiter.key == key else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
    }

    /// The reader thread's body: read, split, deliver, and at EOF fail the waiter.
    private func readLoop() {
        var splitter = GuestAgentFrameSplitter()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            splitter.feed(buffer[0..<count]) { deliver(line: $0) }
        }
        let waiter = state.withLock { state -> Waiter? in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.continuation.resume(throwing: GuestAgentError.disconnected)
    }

    /// Hands `line` to the waiter if it is the reply it expects; drops anything else (stale
    /// replies from before a resynchronization, parse errors the sentinel provoked, noise).
    private func deliver(line: String) {
        guard let message = try? JSON(parsing: line), message.objectValue != nil else { return }
        let waiter = state.withLock { state -> Waiter? in
            guard let waiter = state.waiter, waiter.expectation.accepts(message) else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.continuation.resume(returning: message)
    }
}
