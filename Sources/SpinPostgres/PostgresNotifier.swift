import Logging
import PostgresNIO
import SpinCore
import Synchronization

/// Keeps one connection LISTENing on a channel and turns each notification into a wake-up of
/// this process's waiters. When the connection drops it wakes everyone (something may have
/// been missed), reconnects with backoff, and meanwhile reports itself down so waiters poll.
final class PostgresNotifier: Sendable {
    /// The channel every broker commit NOTIFYs.
    static let channel = "spin_broker"

    let signal: ChangeSignal
    /// Sees every payload that arrives (the broker's events among them).
    let onPayload: @Sendable (String) -> Void
    private let listening = Atomic<Bool>(false)
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(signal: ChangeSignal, onPayload: @escaping @Sendable (String) -> Void = { _ in }) {
        self.signal = signal
        self.onPayload = onPayload
    }

    /// Whether notifications are arriving now (the LISTEN is in place).
    var isListening: Bool { listening.load(ordering: .relaxed) }

    /// Starts listening in the background until ``stop()``.
    func start(location: PostgresLocation, logger: Logger) {
        let signal = signal
        let started = Task { [self] in
            var backoff: Duration = .milliseconds(50)
            var id = 0
            while !Task.isCancelled {
                id += 1
                do {
                    let connection = try await PostgresConnection.connect(configuration: try location.connectionConfiguration(), id: id, logger: logger)
                    backoff = .milliseconds(50)
                    do {
                        try await withTaskCancellationHandler {
                            try await connection.listen(on: Self.channel) { notifications in
                                self.listening.store(true, ordering: .relaxed)
                                signal.notify()
                                for try await notification in notifications {
                                    signal.notify()
                                    self.onPayload(notification.payload)
                                }
                            }
                        } onCancel: {
                            connection.close().whenComplete { _ in }
                        }
                    } catch {
                        logger.debug("LISTEN \(Self.channel) ended: \(error)")
                    }
                    try? await connection.close()
                } catch {
                    logger.debug("LISTEN \(Self.channel) cannot connect: \(error)")
                }
                self.listening.store(false, ordering: .relaxed)
                signal.notify()
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(2))
            }
        }
        task.withLock { $0 = started }
    }

    /// Stops listening and closes the connection.
    func stop() async {
        let running = task.withLock { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        running?.cancel()
        await running?.value
    }
}
