import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension QMPConnection {
    /// The reader thread's body: read, split lines, dispatch, and at EOF fail everyone.
    func readLoop() {
        var splitter = LineSplitter()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            splitter.feed(buffer[0..<count]) { dispatch(line: $0) }
        }
        // An unterminated last line is a reply cut off by EOF: pending calls get .disconnected.
        finishAll()
    }

    /// Routes one line: greeting, event, reply by id; malformed lines fail every pending call
    /// (nothing else can say which call they belonged to).
    func dispatch(line: String) {
        guard let message = try? JSON(parsing: line), message.objectValue != nil else {
            let failed = takeAllPending()
            for continuation in failed {
                continuation.resume(throwing: QMPError.decoding("not a JSON object", raw: line))
            }
            return
        }
        if message["QMP"] != nil {
            let waiter = state.withLock { state in
                state.greeting = message
                return state.pending.removeValue(forKey: "greeting")
            }
            waiter?.resume(returning: message)
        } else if let event = QMPEvent(message: message) {
            let subscribers = state.withLock { Array($0.subscribers.values) }
            for subscriber in subscribers { subscriber.yield(event) }
        } else if let id = message["id"]?.stringValue {
            state.withLock { $0.pending.removeValue(forKey: id) }?.resume(returning: message)
        }
        // A reply without a known id cannot be routed; QEMU only sends those for requests it
        // could not parse, and this client never sends such requests.
    }

    private func takeAllPending() -> [CheckedContinuation<JSON, any Error>] {
        state.withLock { state in
            let all = Array(state.pending.values)
            state.pending.removeAll()
            return all
        }
    }

    /// Marks the connection closed and releases every waiter and subscriber.
    private func finishAll() {
        let (pending, subscribers, waiters) = state.withLock { state in
            state.closed = true
            defer {
                state.pending.removeAll()
                state.subscribers.removeAll()
                state.disconnectWaiters.removeAll()
            }
            return (Array(state.pending.values), Array(state.subscribers.values),
                    Array(state.disconnectWaiters.values))
        }
        for continuation in pending { continuation.resume(throwing: QMPError.disconnected) }
        for subscriber in subscribers { subscriber.finish() }
        for waiter in waiters { waiter.resume() }
    }
}
