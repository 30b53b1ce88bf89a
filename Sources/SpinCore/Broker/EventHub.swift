import Foundation
import Synchronization

/// Fans events out to every current subscriber as an `AsyncStream`.
package final class EventHub<Event: Sendable>: Sendable {
    package init() {}

    private let subscribers = Mutex<[UUID: AsyncStream<Event>.Continuation]>([:])

    /// A stream of the events published from now on. Finishes when the consumer stops.
    package func subscribe(bufferingNewest limit: Int = 1024) -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(limit))
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    /// Sends events to every subscriber.
    package func publish(_ events: [Event]) {
        guard !events.isEmpty else { return }
        let targets = subscribers.withLock { Array($0.values) }
        for continuation in targets {
            for event in events { continuation.yield(event) }
        }
    }
}

