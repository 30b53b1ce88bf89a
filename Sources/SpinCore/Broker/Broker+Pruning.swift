import Foundation
import SpinStore

/// Bounded growth: finished packages are pruned after ``BrokerOptions/packageRetention``, open
/// packages never enqueued are reaped after ``BrokerOptions/abandonedPackageAge``. Both work in
/// batches of ``BrokerOptions/pruneBatchSize`` packages, one short write transaction each, so
/// they never hold LMDB's single writer long; and both look first in a read transaction, so
/// a pass with nothing to do takes no writer lock at all.
extension Broker {
    /// Removes finished packages (succeeded or failed) that finished longer ago than
    /// `retention` (default ``BrokerOptions/packageRetention``), with their commands,
    /// memberships and index rows. Unfinished packages are never touched.
    /// - Returns: the ids removed, oldest first.
    @discardableResult
    public func pruneFinishedPackages(retention: Duration? = nil) async throws -> [UInt64] {
        try await indexLegacyFinishedPackages()
        let cutoff = options.now().millisecondsSince1970 - (retention ?? options.packageRetention).milliseconds
        var removed: [UInt64] = []
        while true {
            try Task.checkCancellation()
            let batch = try pruneFinishedBatch(before: cutoff)
            removed += batch
            if batch.count < options.pruneBatchSize { return removed }
            await Task.yield()
        }
    }

    /// Removes open packages (and their commands) created longer ago than
    /// ``BrokerOptions/abandonedPackageAge``: a package never enqueued is never run.
    /// - Returns: the ids removed.
    @discardableResult
    public func reapAbandonedPackages() throws -> [UInt64] {
        let cutoff = options.now().addingTimeInterval(-Double(options.abandonedPackageAge.milliseconds) / 1000)
        var removed: [UInt64] = []
        while true {
            let candidates = try store.read { txn -> [UInt64] in
                guard let open = try txn.database(named: DB.open) else { return [] }
                return try txn.entries(in: open).compactMap(\.integerKey).filter { id in
                    try txn.decode(PackageRecord.self, forKey: id, in: DB.packages).map { $0.createdAt < cutoff } ?? true
                }
            }
            let batch = Array(candidates.prefix(options.pruneBatchSize))
            guard !batch.isEmpty else { return removed }
            removed += try store.write { txn in
                var reaped: [UInt64] = []
                for id in batch {
                    // Looked at again under the writer: it may have been enqueued meanwhile.
                    let record = try txn.decode(PackageRecord.self, forKey: id, in: DB.packages)
                    if let record, record.state != .open || record.createdAt >= cutoff { continue }
                    try removePackage(txn, id)
                    reaped.append(id)
                }
                return reaped
            }
            if candidates.count <= batch.count { return removed }
        }
    }

    /// One batch of pruning: up to ``BrokerOptions/pruneBatchSize`` packages that finished
    /// at or before `cutoff` (milliseconds since 1970).
    func pruneFinishedBatch(before cutoff: Int64) throws -> [UInt64] {
        let limit = options.pruneBatchSize
        let due = { (txn: ReadTransaction) throws -> [[UInt8]] in
            guard let finished = try txn.database(named: DB.finished) else { return [] }
            return try txn.entries(in: finished, range: KeyRange(to: UInt64(clamping: max(0, cutoff + 1))), limit: limit).map(\.key)
        }
        guard try !store.read(due).isEmpty else { return [] }
        return try store.write { txn in
            let finished = try txn.createDatabase(named: DB.finished)
            var removed: [UInt64] = []
            for key in try due(txn) {
                try txn.delete(key, in: finished)
                guard key.count == 16, let id = UInt64(storeKey: key[8..<16]) else { continue }
                // Only a finished package is pruned, whatever the index says.
                guard let record = try txn.decode(PackageRecord.self, forKey: id, in: DB.packages), record.state.isTerminal else { continue }
                try removePackage(txn, id)
                removed.append(id)
            }
            return removed
        }
    }

    /// Deletes a package and every row that belongs to it.
    func removePackage(_ txn: WriteTransaction, _ id: UInt64) throws {
        let members = try txn.createDatabase(named: DB.members)
        let commands = try txn.createDatabase(named: DB.commands)
        let waiting = try txn.createDatabase(named: DB.waiting)
        let ready = try txn.createDatabase(named: DB.ready)
        for entry in try txn.entries(in: members, range: .prefix(id)) {
            if let commandID = UUID(storeKey: entry.value) {
                if let command = try txn.decode(CommandRecord.self, forKey: commandID, in: commands) {
                    try txn.delete(Self.readyKey(resource: command.resource, order: command.order), in: ready)
                }
                for row in try txn.entries(in: waiting, range: .prefix(commandID)) { try txn.delete(row.key, in: waiting) }
                try txn.delete(commandID, in: commands)
            }
            try txn.delete(entry.key, in: members)
        }
        if let record = try txn.decode(PackageRecord.self, forKey: id, in: DB.packages), let finishedAt = record.finishedAt {
            try txn.delete(Self.finishedKey(finishedAt, id), in: txn.createDatabase(named: DB.finished))
        }
        try txn.delete(id, in: txn.createDatabase(named: DB.packages))
        try txn.delete(id, in: txn.createDatabase(named: DB.open))
    }

    /// Adds a finished package to the index pruning reads.
    func markFinished(_ txn: WriteTransaction, _ package: PackageRecord) throws {
        guard let finishedAt = package.finishedAt else { return }
        try txn.put([], forKey: Self.finishedKey(finishedAt, package.id), in: txn.createDatabase(named: DB.finished))
    }

    /// The finished-index key: when the package finished (milliseconds, big-endian), then its
    /// id, so the oldest come first.
    static func finishedKey(_ finishedAt: Date, _ id: UInt64) -> [UInt8] {
        UInt64(clamping: max(0, finishedAt.millisecondsSince1970)).storeKeyBytes + id.storeKeyBytes
    }

    /// Packages that finished before the finished index existed are indexed once, in
    /// batches, resuming where an interrupted pass stopped.
    func indexLegacyFinishedPackages() async throws {
        let doneKey = "finished-index", cursorKey = "finished-index-cursor"
        let done = try store.read { txn in try txn.get(doneKey, in: DB.meta) != nil }
        guard !done else { return }
        while true {
            try Task.checkCancellation()
            let complete = try store.write { txn -> Bool in
                let meta = try txn.createDatabase(named: DB.meta)
                let after = try txn.get(cursorKey, in: meta).flatMap { UInt64(storeKey: $0) } ?? 0
                let batch = try txn.entries(in: txn.createDatabase(named: DB.packages), range: KeyRange(from: after + 1), limit: options.pruneBatchSize)
                for entry in batch {
                    guard let record = try? entry.decode(PackageRecord.self, database: DB.packages), record.state.isTerminal else { continue }
                    try markFinished(txn, record)
                }
                if let last = batch.last?.integerKey { try txn.put(last.storeKeyBytes, forKey: cursorKey, in: meta) }
                guard batch.count < options.pruneBatchSize else { return false }
                try txn.put([1], forKey: doneKey, in: meta)
                return true
            }
            if complete { return }
            await Task.yield()
        }
    }
}
