import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The socket and bookkeeping behind a ``QMPClient``.
///
/// Concurrency model: one dedicated reader thread does blocking `read(2)`s on the socket and
/// demultiplexes lines — replies go to the continuation registered under their `id`, events
/// to every subscriber, EOF fails every waiter with ``QMPError/disconnected``. Writers send
/// whole lines under a write lock from the calling task (a QMP line is small; the kernel buffer
/// absorbs it). All mutable state sits in one `Mutex`; continuations are always resumed
/// outside it, exactly once (whoever removes an entry from the table resumes it).
///
/// The fd stays open until this object is deinitialized, so `shutdown(2)` from ``close()`` can
/// never hit a recycled descriptor; the reader thread holds a strong reference until EOF.
final class QMPConnection: Sendable {
    struct State {
        var closed = false
        var nextID = 0
        var pending: [String: CheckedContinuation<JSON, any Error>] = [:]
        var greeting: JSON?
        var nextKey = 0
        var subscribers: [Int: AsyncStream<QMPEvent>.Continuation] = [:]
        var disconnectWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    /// The key under which a connect call waits for the greeting.
    private static let greetingKey = "greeting"

    let fd: Int32
    let state = Mutex(State())
    private let writeLock = Mutex(())

    init(fd: Int32) { self.fd = fd }

    deinit { Glibc.close(fd) }

    /// Starts the reader thread.
    func start() {
        let thread = Thread { [self] in self.readLoop() }
        thread.name = "spin-qmp-reader"
        thread.start()
    }

    /// Half-closes the socket both ways; the reader then sees EOF and fails every waiter.
    func close() { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) }

    /// Whether EOF has been seen.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Waits for the `{"QMP": …}` greeting line.
    func greeting() async throws -> JSON {
        try await waitForReply(key: Self.greetingKey) { state in state.greeting }
    }

    /// Sends `members` plus a fresh `id` and waits for the reply object with that id.
    func send(_ members: [String: JSON]) async throws -> JSON {
        let id = state.withLock { state -> String in
            state.nextID += 1
            return "spin-\(state.nextID)"
        }
        var message = members
        message["id"] = .string(id)
        let bytes: [UInt8]
        do {
            bytes = Array(try JSON.object(message).text().utf8) + [UInt8(ascii: "\n")]
        } catch {
            throw QMPError.invalidRequest("cannot encode the request: \(error)")
        }
        return try await waitForReply(key: id, alreadyThere: { _ in nil }) {
            let code = self.writeLock.withLock { _ in UnixSocket.sendAll(fd: self.fd, bytes) }
            guard code != 0 else { return nil }
            if code == EPIPE || code == ECONNRESET || code == ENOTCONN { return QMPError.disconnected }
            return QMPError.transport("write: \(UnixSocket.errorText(code))")
        }
    }

    /// Registers a continuation under `key`, runs `afterRegistering` (which may fail it), and
    /// supports cancellation from either side of registration.
    private func waitForReply(
        key: String,
        alreadyThere: @escaping @Sendable (inout State) -> JSON?,
        afterRegistering: @escaping @Sendable () -> QMPError? = { nil }
    ) async throws -> JSON {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JSON, any Error>) in
                enum Outcome { case registered, ready(JSON), closed }
                let outcome = state.withLock { state -> Outcome in
                    if let ready = alreadyThere(&state) { return .ready(ready) }
                    if state.closed { return .closed }
                    state.pending[key] = continuation
                    return .registered
                }
                switch outcome {
                case .ready(let value): continuation.resume(returning: value); return
                case .closed: continuation.resume(throwing: QMPError.disconnected); return
                case .registered: break
                }
                if Task.isCancelled {
                    take(key)?.resume(throwing: CancellationError())
                } else if let failure = afterRegistering() {
                    take(key)?.resume(throwing: failure)
                }
            }
        } onCancel: {
            self.take(key)?.resume(throwing: CancellationError())
        }
    }

    private func take(_ key: String) -> CheckedContinuation<JSON, any Error>? {
        state.withLock { $0.pending.removeValue(forKey: key) }
    }

    /// A new event stream that sees every event from now on; finished at EOF.
    func events() -> AsyncStream<QMPEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: QMPEvent.self, bufferingPolicy: .unbounded)
        let key = state.withLock { state -> Int? in
            if state.closed { return nil }
            state.nextKey += 1
            state.subscribers[state.nextKey] = continuation
            return state.nextKey
        }
        guard let key else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: key) }
        }
        return stream
    }

    /// Returns once EOF has been seen (immediately if it already was); honours cancellation.
    func waitForDisconnect() async {
        let key = state.withLock { state -> Int in
            state.nextKey += 1
            return state.nextKey
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = state.withLock { state -> Bool in
                    if state.closed { return false }
                    state.disconnectWaiters[key] = continuation
                    return true
                }
                if !registered || Task.isCancelled {
                    if !registered { continuation.resume() } else { self.resumeWaiter(key) }
                }
            }
        } onCancel: {
            self.resumeWaiter(key)
        }
    }

    private func resumeWaiter(_ key: Int) {
        state.withLock { $0.disconnectWaiters.removeValue(forKey: key) }?.resume()
    }
}
