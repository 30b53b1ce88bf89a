import Foundation
import Logging
import PostgresNIO
import SpinCore
import SpinModel

/// The durable command broker in PostgreSQL: the same contract as the LMDB ``Broker``
/// (``CommandBroker``), for any number of API servers and agents on one database.
///
/// - Packages, commands and dependencies are rows; a ready command's row carries its lease
///   (token and expiry, on the database's clock, so servers' clocks never disagree about who
///   holds what), and a partial index over ready commands is the queue.
/// - ``next(resource:lease:)`` is one `UPDATE … WHERE id = (SELECT … ORDER BY ord
///   LIMIT 1 FOR UPDATE SKIP LOCKED)`: concurrent agents never wait on each other and never
///   get the same live lease, because the expiry is checked again on the locked row.
/// - Every commit that makes work ready or finishes a package NOTIFYs `spin_broker`; waiters
///   wake on it, and poll when notifications are off or the listener is down.
public final class PostgresBroker: CommandBroker, Sendable {
    /// The database.
    public let store: PostgresStore
    /// The actions commands may name.
    public let catalog: ActionCatalog
    /// How waiting works.
    public let options: PostgresBrokerOptions
    let signal = ChangeSignal()
    let notifier: PostgresNotifier
    let outbox: NotificationOutbox
    let logger: Logger
    /// This process's event streams.
    let hub: EventHub<BrokerEvent>
    /// Names this broker in the event payloads it sends, so it skips them when they come back.
    let origin: UUID

    /// A broker on `store` (whose schema ``PostgresStore/migrate()`` made); starts listening
    /// for notifications unless ``PostgresBrokerOptions/notifications`` is off.
    public init(store: PostgresStore, catalog: ActionCatalog, options: PostgresBrokerOptions = .default) {
        self.store = store
        self.catalog = catalog
        self.options = options
        logger = store.logger
        let hub = EventHub<BrokerEvent>()
        let me = UUID()
        self.hub = hub
        origin = me
        notifier = PostgresNotifier(signal: signal) { payload in
            guard let (from, events) = BrokerEventWire.decode(payload), from != me else { return }
            hub.publish(events)
        }
        outbox = NotificationOutbox(store: store, origin: me)
        if options.notifications { notifier.start(location: store.location, logger: store.logger) }
    }

    /// Whether this broker hears the other servers now: its LISTEN connection is up. While it
    /// is not (starting, reconnecting, notifications off), waiters poll and event streams see
    /// only this broker's own changes.
    public var isListening: Bool { notifier.isListening }

    /// Waits up to `timeout` for ``isListening``; returns whether it is. A server waits for it
    /// before it serves, so that its event streams hear the others from the first request.
    public func waitUntilListening(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !isListening {
            guard options.notifications, ContinuousClock.now < deadline else { return isListening }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Package and command changes from now on, made through any server on the database.
    public func events() -> AsyncStream<BrokerEvent> { hub.subscribe() }

    /// Stops listening. The store stays open (it is the caller's).
    public func close() async {
        await notifier.stop()
    }

    // MARK: Building packages

    public func newPackage() async throws -> UInt64 {
        try await store.transaction { connection in
            try await Self.insertPackage(connection)
        }
    }

    @discardableResult
    public func add(_ command: CommandDraft, to package: UInt64) async throws -> UUID {
        try catalog.validate(resource: command.resource, action: command.action, parameters: command.parameters)
        try await store.transaction { connection in
            let state = try await Self.lockPackage(connection, package)
            guard state == .open else {
                throw SpinError(.failedPrecondition, "package \(package) is \(state.rawValue); commands can only be added to an open package")
            }
            try await Self.insert(connection, command, into: package)
        }
        return command.id
    }

    public func enqueue(_ package: UInt64) async throws {
        let (notifications, events) = try await store.transaction { connection -> ([String], [BrokerEvent]) in
            guard try await Self.lockPackage(connection, package) == .open else { return ([], []) }
            return try await Self.enqueue(connection, package)
        }
        published(notifications, events: events)
    }

    public func submit(_ commands: [CommandDraft]) async throws -> UInt64 {
        for command in commands {
            try catalog.validate(resource: command.resource, action: command.action, parameters: command.parameters)
        }
        let batch = try SubmitBatch(commands)
        let (id, notifications) = try await store.withConnection { connection in try await batch.insert(connection) }
        published(notifications, events: batch.events(package: id))
        return id
    }

    /// Wakes this process's waiters at once and other servers' through NOTIFY, and hands
    /// `events` to this process's streams at once and to other servers' through NOTIFY.
    func published(_ notifications: [String], events: [BrokerEvent] = []) {
        published(notifications, eventLines: events.map(BrokerEventWire.line), local: events)
    }

    /// ``published(_:events:)`` with events already as wire lines (from `spin_broker_complete`).
    func published(_ notifications: [String], eventLines: [String], local events: [BrokerEvent]) {
        guard !notifications.isEmpty || !events.isEmpty else { return }
        signal.notify()
        hub.publish(events)
        outbox.post(notifications, events: eventLines)
    }

    // MARK: Reading

    public func status(package: UInt64) async throws -> PackageStatus {
        try await store.withConnection { connection in
            let record = try await Self.loadPackage(connection, package)
            let rows = try await connection.query(
                "SELECT \(unescaped: PostgresRows.commandColumns), (c.lease_expires_at > clock_timestamp()) AS leased FROM broker_commands c WHERE c.package_id = \(Int64(package)) ORDER BY c.ord",
                logger: Logger(label: "spin.postgres"))
            var commands: [CommandRecord] = []
            for try await row in rows {
                var command = try PostgresRows.command(row)
                if command.state == .ready, try row.makeRandomAccess()["leased"].decode(Bool?.self) == true { command.state = .leased }
                commands.append(command)
            }
            return PackageStatus(package: record, commands: commands)
        }
    }

    public func command(_ id: UUID) async throws -> CommandRecord {
        try await store.withConnection { connection in
            let rows = try await connection.query(
                "SELECT \(unescaped: PostgresRows.commandColumns) FROM broker_commands c WHERE c.id = \(id)",
                logger: Logger(label: "spin.postgres"))
            for try await row in rows { return try PostgresRows.command(row) }
            throw SpinError(.notFound, "command \(id) does not exist; spin package status PACKAGE lists a package's commands")
        }
    }

    /// Removes packages that finished more than `age` ago, with their commands, dependencies
    /// and queue rows (the foreign keys cascade); returns how many went. Safe from any number
    /// of servers at once.
    @discardableResult
    public func pruneFinishedPackages(olderThan age: Duration) async throws -> Int {
        try await deletePackages(where: "finished_at IS NOT NULL AND finished_at < clock_timestamp() - ", age)
    }

    /// Removes open packages (never enqueued: their builder died) older than `age`; returns
    /// how many went.
    @discardableResult
    public func reapAbandonedPackages(olderThan age: Duration) async throws -> Int {
        try await deletePackages(where: "state = 'open' AND created_at < clock_timestamp() - ", age)
    }

    private func deletePackages(where condition: String, _ age: Duration) async throws -> Int {
        let seconds = Self.seconds(age)
        return try await store.withConnection { connection in
            let rows = try await connection.query(
                "DELETE FROM broker_packages WHERE \(unescaped: condition) \(seconds) * interval '1 second' RETURNING id",
                logger: Self.queryLogger)
            var count = 0
            for try await _ in rows { count += 1 }
            return count
        }
    }
}
