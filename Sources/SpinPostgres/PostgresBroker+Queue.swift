import Foundation
import PostgresNIO
import SpinModel

extension PostgresBroker {
    /// Leases the oldest ready command of `resource` that no live lease holds, or returns nil.
    ///
    /// Concurrent callers skip rows another transaction has locked, and the expiry is checked
    /// again on the locked row, so a live lease is never handed out twice; an expired one is
    /// handed out again (at-least-once delivery).
    public func next(resource: String, lease duration: Duration) async throws -> Lease? {
        let token = UUID()
        let seconds = Self.seconds(duration)
        return try await store.withConnection { connection in
            let statement = BrokerStatements.Next(resource: resource, token: token, seconds: seconds)
            for try await (command, expires) in try await connection.execute(statement, logger: Self.queryLogger) {
                var leased = command
                leased.state = .leased
                return Lease.received(command: leased, token: token, expiresAt: expires)
            }
            return nil
        }
    }

    /// Like ``next(resource:lease:)``, but waits up to `wait` for a command: it wakes on
    /// NOTIFY from any server's commit, when the soonest live lease of the resource runs out,
    /// and every poll interval while notifications are off or the listener is down.
    public func next(resource: String, lease duration: Duration, wait: Duration) async throws -> Lease? {
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        while true {
            try Task.checkCancellation()
            let seen = signal.generation
            if let lease = try await next(resource: resource, lease: duration) { return lease }
            let remaining = deadline - clock.now
            guard remaining > .zero else { return nil }
            let queue = try await queueState(resource: resource)
            // A statement's snapshot can miss rows committed after it began (other servers'
            // submits, leases released meanwhile): when a free row is there now, ask again.
            if queue.free { continue }
            var sleep = min(remaining, recheckInterval)
            if let soonest = queue.soonestExpiry { sleep = min(sleep, soonest) }
            await signal.wait(after: seen, timeout: sleep)
        }
    }

    /// How long a waiter sleeps between looks when nothing wakes it.
    var recheckInterval: Duration {
        options.notifications && notifier.isListening ? options.idleRecheck : options.pollInterval
    }

    /// Whether `resource` has a ready command no live lease holds, and the time until its
    /// soonest live lease runs out (plus a millisecond).
    private func queueState(resource: String) async throws -> (free: Bool, soonestExpiry: Duration?) {
        try await store.withConnection { connection in
            let rows = try await connection.query(
                """
                SELECT
                    EXISTS (SELECT 1 FROM broker_commands WHERE resource = \(resource) AND state = 'ready'
                            AND (lease_expires_at IS NULL OR lease_expires_at <= clock_timestamp())),
                    (SELECT extract(epoch FROM min(lease_expires_at) - clock_timestamp())::float8
                     FROM broker_commands WHERE resource = \(resource) AND state = 'ready' AND lease_expires_at > clock_timestamp())
                """, logger: Self.queryLogger)
            for try await (free, seconds) in rows.decode((Bool, Double?).self) {
                return (free, seconds.map { .milliseconds(max(1, Int64($0 * 1000) + 1)) })
            }
            return (false, nil)
        }
    }

    /// Extends a lease the caller still holds, keeping its token.
    /// - Throws: ``SpinError`` `.failedPrecondition` when the lease went to another agent or
    ///   the command finished.
    public func renew(_ lease: Lease, for duration: Duration) async throws -> Lease {
        let seconds = Self.seconds(duration)
        let expires = try await store.withConnection { connection -> Date? in
            let rows = try await connection.query(
                """
                UPDATE broker_commands SET lease_expires_at = clock_timestamp() + \(seconds) * interval '1 second'
                WHERE id = \(lease.command.id) AND state = 'ready' AND lease_token = \(lease.token)
                RETURNING lease_expires_at
                """, logger: Self.queryLogger)
            for try await expires in rows.decode(Date.self) { return expires }
            return nil
        }
        guard let expires else {
            throw SpinError(.failedPrecondition, "lease on command \(lease.command.id) was lost; the command may run elsewhere")
        }
        var renewed = lease
        renewed.expiresAt = expires
        return renewed
    }

    /// Hands a lease back so the command is ready again at once; false when it was no
    /// longer held (released already, taken over, or the command finished).
    @discardableResult
    public func release(_ lease: Lease) async throws -> Bool {
        let resource = try await store.withConnection { connection -> String? in
            let rows = try await connection.query(
                """
                UPDATE broker_commands SET lease_token = NULL, lease_expires_at = NULL
                WHERE id = \(lease.command.id) AND state = 'ready' AND lease_token = \(lease.token)
                RETURNING resource
                """, logger: Self.queryLogger)
            for try await resource in rows.decode(String.self) { return resource }
            return nil
        }
        guard let resource else { return false }
        published(["ready:" + resource], events: [.commandChanged(id: lease.command.id, package: lease.command.package, resource: resource, state: .ready)])
        return true
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
