import Foundation
import SpinStore

/// The durable command broker: packages of commands, queued per resource, leased to agents,
/// completed idempotently. Everything it promises survives a crash at any point: packages and
/// command states are committed to the store before a call returns, and a lease held by a
/// dead process runs out and hands the command to another agent.
///
/// Several brokers — in one process or several — may share a store; LMDB serializes their
/// writes and a separate lease table makes each delivery go to one agent.
public final class Broker: Sendable {
    /// The durable store holding packages and commands.
    public let store: Store
    /// The actions commands may name.
    public let catalog: ActionCatalog
    /// Timing and clock.
    public let options: BrokerOptions

    let leases: LeaseTable
    let signal = ChangeSignal()
    let hub = EventHub<BrokerEvent>()
    private let watcher: StoreWatcher?
    let writes = GroupCommit<GroupedWrite, GroupedOutput>()

    enum DB {
        static let packages = "broker.packages"
        static let open = "broker.open"
        static let commands = "broker.commands"
        static let ready = "broker.ready"
        static let waiting = "broker.waiting"
        static let members = "broker.members"
        static let finished = "broker.finished"
        static let meta = "broker.meta"
        static let all = [packages, open, commands, ready, waiting, members, finished, meta]
    }

    /// Opens the broker on `store`, with its lease table at `leasePath` (a directory).
    /// - Parameter readOnly: for processes that only look (package status): no database is
    ///   created, and the lease table is read if it exists, never made.
    public init(store: Store, leasePath: String, catalog: ActionCatalog, options: BrokerOptions = .default, readOnly: Bool = false) throws {
        self.store = store
        self.catalog = catalog
        self.options = options
        leases = LeaseTable(path: leasePath, readOnly: readOnly)

        if !readOnly { try store.prepare(databases: DB.all) }
        // Commits by other processes wake this process's waiters; without inotify, waiters
        // still recheck every `idleRecheck`.
        // A process that only looks never waits for others' commits.
        let signal = signal
        watcher = readOnly ? nil : try? StoreWatcher(store: store, mode: options.changeDetection) { signal.notify() }
    }

    /// State changes made by this process's broker, as they are committed.
    public func events() -> AsyncStream<BrokerEvent> { hub.subscribe() }

    // MARK: Building packages

    /// Creates an empty, open package and returns its id.
    public func newPackage() throws -> UInt64 {
        let now = options.now()
        return try store.write { txn in
            let packages = try txn.createDatabase(named: DB.packages)
            let id = try txn.nextSequence(for: packages)
            let record = PackageRecord(id: id, state: .open, commandCount: 0, remaining: 0, createdAt: now)
            try txn.encode(record, forKey: id, in: packages)
            try txn.put([], forKey: id, in: txn.createDatabase(named: DB.open))
            return id
        }
    }

    /// Adds a command to an open package.
    /// - Throws: ``SpinError`` `.invalidArgument` for an unknown action, bad parameters or a
    ///   dependency outside the package; `.notFound` for a missing package;
    ///   `.failedPrecondition` when the package was already enqueued.
    @discardableResult
    public func add(_ command: CommandDraft, to package: UInt64) throws -> UUID {
        try catalog.validate(resource: command.resource, action: command.action, parameters: command.parameters)
        let now = options.now()
        try store.write { txn in
            var record = try loadPackage(txn, package)
            guard record.state == .open else {
                throw SpinError(.failedPrecondition, "package \(package) is \(record.state.rawValue); commands can only be added to an open package")
            }
            try insert(txn, command, into: &record, now: now)
            try save(txn, record)
        }
        return command.id
    }

    /// Hands an open package's commands to their queues. Enqueuing twice is harmless.
    public func enqueue(_ package: UInt64) throws {
        let now = options.now()
        let events = try store.write { txn -> [BrokerEvent] in
            var record = try loadPackage(txn, package)
            guard record.state == .open else { return [] }
            return try enqueue(txn, &record, now: now)
        }
        published(events)
    }

    /// Creates, fills and enqueues a package in one durable commit and returns its id.
    public func submit(_ commands: [CommandDraft]) throws -> UInt64 {
        for command in commands {
            try catalog.validate(resource: command.resource, action: command.action, parameters: command.parameters)
        }
        let now = options.now()
        let (id, events) = try store.write { txn in try submit(txn, commands, now: now) }
        published(events)
        return id
    }

    func submit(_ txn: WriteTransaction, _ commands: [CommandDraft], now: Date) throws -> (UInt64, [BrokerEvent]) {
        let packages = try txn.createDatabase(named: DB.packages)
        let id = try txn.nextSequence(for: packages)
        var record = PackageRecord(id: id, state: .open, commandCount: 0, remaining: 0, createdAt: now)
        for command in commands { try insert(txn, command, into: &record, now: now) }
        return (id, try enqueue(txn, &record, now: now))
    }

    // MARK: Reading

    /// A package and every command's state; `leased` where a live lease holds the command.
    public func status(package: UInt64) throws -> PackageStatus {
        let live = try leases.liveLeases(now: options.now().millisecondsSince1970)
        return try store.read { txn in
            let record = try loadPackage(txn, package)
            var commands = try memberIDs(txn, package: package).map { try loadCommand(txn, $0) }
            for index in commands.indices where commands[index].state == .ready && live[commands[index].id] != nil {
                commands[index].state = .leased
            }
            return PackageStatus(package: record, commands: commands)
        }
    }

    /// One command as stored.
    public func command(_ id: UUID) throws -> CommandRecord {
        try store.read { txn in try loadCommand(txn, id) }
    }

    func published(_ events: [BrokerEvent]) {
        guard !events.isEmpty else { return }
        signal.notify()
        hub.publish(events)
    }
}
