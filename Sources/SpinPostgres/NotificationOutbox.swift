import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Sends the broker's notifications after the transactions that caused them commit, coalesced:
/// while one send is in flight, payloads pile up and go together in the next, each distinct
/// payload once.
///
/// A NOTIFY inside a data transaction holds a database-wide lock from before its commit
/// until after the commit's WAL flush, so every notifying commit would wait for the previous
/// one's fsync and commits could never share a flush. Sent from here, the data transactions
/// commit in parallel and the NOTIFY transactions, which write no WAL, are short. A payload
/// lost to a crash between the two costs a waiter at most its idle recheck.
///
/// Events (``BrokerEventWire``) go in as lines and out packed into as few payloads as fit,
/// in order: every notification wakes every listening server's waiters, so one payload per
/// event would wake them once per event. A batch that carries events sends no bare wake-ups
/// (the events wake the same waiters).
final class NotificationOutbox: Sendable {
    private struct State {
        /// Wake-up payloads, each once.
        var wakeUps: Set<String> = []
        /// Event lines, in the order posted.
        var events: [String] = []
        var sending = false
    }

    private let state = Mutex(State())
    private let store: PostgresStore
    private let origin: UUID

    /// An outbox for the broker named `origin` in its event payloads.
    init(store: PostgresStore, origin: UUID) {
        self.store = store
        self.origin = origin
    }

    /// Queues wake-ups and event lines for the `spin_broker` channel and makes sure a sender runs.
    func post(_ wakeUps: [String], events: [String]) {
        guard !wakeUps.isEmpty || !events.isEmpty else { return }
        let start = state.withLock { state -> Bool in
            state.wakeUps.formUnion(wakeUps)
            state.events += events
            guard !state.sending else { return false }
            state.sending = true
            return true
        }
        if start { Task { await drain() } }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [String] in
                let batch = state.events.isEmpty ? Array(state.wakeUps) : BrokerEventWire.payloads(state.events, origin: origin)
                state.wakeUps.removeAll()
                state.events.removeAll()
                if batch.isEmpty { state.sending = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            _ = try? await store.withConnection { connection in
                for try await _ in try await connection.query(
                    "SELECT count(pg_notify(\(PostgresNotifier.channel), payload)) FROM unnest(\(batch)::text[]) WITH ORDINALITY AS t(payload, n)",
                    logger: PostgresBroker.queryLogger) {}
                return true
            }
        }
    }
}
