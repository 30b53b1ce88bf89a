import Foundation
import Synchronization

/// Fans events out to every current subscriber as an `AsyncStream`.
final class EventHub<Event: Sendable>: Sendable {
    private let subscribers = Mutex<[UUID: AsyncStream<Event>.Continuation]>([:])

    /// A stream of the events published from now on. Finishes when the consumer stops.
    func subscribe(bufferingNewest limit: Int = 1024) -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(limit))
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    /// Sends events to every subscriber.
    func publish(_ events: [Event]) {
        guard !events.isEmpty else { return }
        let targets = subscribers.withLock { Array($0.values) }
        for continuation in targets {
            for event in events { continuation.yield(event) }
        }
    }
}

/// A change the broker made, for in-process agents and callers awaiting a package.
public enum BrokerEvent: Sendable, Equatable {
    /// A command entered a new state.
    case commandChanged(id: UUID, package: UInt64, resource: String, state: CommandState)
    /// A package was enqueued or finished.
    case packageChanged(id: UInt64, state: PackageState)
}
