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
final class NotificationOutbox: Sendable {
    private struct State {
        /// In the order posted; a wake-up payload at most once.
        var pending: [String] = []
        var queued: Set<String> = []
        var sending = false
    }

    private let state = Mutex(State())
    private let store: PostgresStore

    init(store: PostgresStore) {
        self.store = store
    }

    /// Queues `payloads` for the `spin_broker` channel and makes sure a sender runs. Event
    /// payloads (``BrokerEventWire``) keep their order; a wake-up already queued is not
    /// queued again.
    func post(_ payloads: [String]) {
        guard !payloads.isEmpty else { return }
        let start = state.withLock { state -> Bool in
            for payload in payloads where state.queued.insert(payload).inserted { state.pending.append(payload) }
            guard !state.sending else { return false }
            state.sending = true
            return true
        }
        if start { Task { await drain() } }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [String] in
                let batch = state.pending
                state.pending.removeAll()
                state.queued.removeAll()
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
