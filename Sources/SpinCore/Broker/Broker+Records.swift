import Foundation
import SpinStore

/// Record access inside a transaction. Every function here runs inside `store.write` or
/// `store.read` and never awaits.
extension Broker {
    func loadPackage(_ txn: ReadTransaction, _ id: UInt64) throws -> PackageRecord {
        guard let record = try txn.decode(PackageRecord.self, forKey: id, in: DB.packages) else {
            throw SpinError(.notFound, "package \(id) does not exist (finished packages are pruned after their retention); create one with spin package new")
        }
        return record
    }

    func loadCommand(_ txn: ReadTransaction, _ id: UUID) throws -> CommandRecord {
        guard let record = try txn.decode(CommandRecord.self, forKey: id, in: DB.commands) else {
            throw SpinError(.notFound, "command \(id) does not exist; spin package status PACKAGE lists a package's commands")
        }
        return record
    }

    func save(_ txn: WriteTransaction, _ package: PackageRecord) throws {
        try txn.encode(package, forKey: package.id, in: txn.createDatabase(named: DB.packages))
    }

    func save(_ txn: WriteTransaction, _ command: CommandRecord) throws {
        try txn.encode(command, forKey: command.id, in: txn.createDatabase(named: DB.commands))
    }

    /// The ready-queue key: resource, a zero byte, then the command's order big-endian, so a
    /// prefix scan of one resource yields its oldest ready command first.
    static func readyKey(resource: String, order: UInt64) -> [UInt8] {
        Array(resource.utf8) + [0] + order.storeKeyBytes
    }

    static func readyPrefix(_ resource: String) -> [UInt8] { Array(resource.utf8) + [0] }

    /// The membership key: package, then the command's order, so a prefix scan lists a
    /// package's commands in the order they were added.
    static func memberKey(package: UInt64, order: UInt64) -> [UInt8] {
        package.storeKeyBytes + order.storeKeyBytes
    }

    /// A package's command ids, in the order they were added.
    func memberIDs(_ txn: ReadTransaction, package: UInt64) throws -> [UUID] {
        try txn.entries(in: DB.members, range: .prefix(package)).compactMap { UUID(storeKey: $0.value) }
    }

    /// The waiting-index key: the dependency, then the command waiting for it.
    static func waitingKey(dependency: UUID, dependent: UUID) -> [UInt8] {
        dependency.storeKeyBytes + dependent.storeKeyBytes
    }

    func insert(_ txn: WriteTransaction, _ draft: CommandDraft, into package: inout PackageRecord, now: Date) throws {
        let commands = try txn.createDatabase(named: DB.commands)
        guard try !txn.contains(draft.id, in: commands) else {
            throw SpinError(.conflict, "command \(draft.id) already exists; give each command a new id")
        }
        for dependency in draft.dependencies where try txn.decode(CommandRecord.self, forKey: dependency, in: commands)?.package != package.id {
            throw SpinError(.invalidArgument, "dependency \(dependency) of \(draft.resource).\(draft.action) is not an earlier command of package \(package.id); add it to the package first")
        }
        let record = CommandRecord(
            id: draft.id, package: package.id, resource: draft.resource, action: draft.action,
            parameters: draft.parameters, dependencies: Array(Set(draft.dependencies)).sorted { $0.uuidString < $1.uuidString },
            state: .pending, reason: nil, order: try txn.nextSequence(for: commands),
            unmetDependencies: Set(draft.dependencies).count, createdAt: now, finishedAt: nil)
        try save(txn, record)
        try txn.put(record.id.storeKeyBytes, forKey: Self.memberKey(package: package.id, order: record.order), in: txn.createDatabase(named: DB.members))
        package.commandCount += 1
        package.remaining += 1
    }

    func enqueue(_ txn: WriteTransaction, _ package: inout PackageRecord, now: Date) throws -> [BrokerEvent] {
        package.state = .enqueued
        package.enqueuedAt = now
        let ready = try txn.createDatabase(named: DB.ready)
        let waiting = try txn.createDatabase(named: DB.waiting)
        var events: [BrokerEvent] = []
        for id in try memberIDs(txn, package: package.id) {
            var command = try loadCommand(txn, id)
            if command.unmetDependencies == 0 {
                command.state = .ready
                try txn.put(id.storeKeyBytes, forKey: Self.readyKey(resource: command.resource, order: command.order), in: ready)
                try save(txn, command)
                events.append(.commandChanged(id: id, package: package.id, resource: command.resource, state: .ready))
            } else {
                for dependency in command.dependencies {
                    try txn.put([], forKey: Self.waitingKey(dependency: dependency, dependent: id), in: waiting)
                }
            }
        }
        if package.commandCount == 0 {
            package.state = .succeeded
            package.finishedAt = now
            try markFinished(txn, package)
        }
        try save(txn, package)
        try txn.delete(package.id, in: txn.createDatabase(named: DB.open))
        events.append(.packageChanged(id: package.id, state: package.state))
        return events
    }
}
