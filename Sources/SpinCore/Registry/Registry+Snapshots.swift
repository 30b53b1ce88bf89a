import Foundation
import SpinStore

/// Snapshot records (`vm.snapshots`): one per snapshot of a VM, keyed by the VM's id and the
/// snapshot's name, so a VM's snapshots are one prefix scan and go with the VM.
extension Registry {
    /// Records the snapshot `name` of the VM named by `ref` as `creating` and runs `alongside`
    /// (to submit the package that makes it) in the same write transaction, so both commit or
    /// neither: of two racing creates of one name, exactly one records it.
    /// - Throws: ``SpinError`` `invalidArgument` (the name), `notFound` (the VM), `conflict`
    ///   (the name is taken on that VM); the store is then unchanged.
    public func reserveSnapshot<R>(
        vm ref: String, name: String, memory: Bool, alongside: (Snapshot, WriteTransaction) throws -> R
    ) throws -> (snapshot: Snapshot, result: R) {
        try ValidationProblem.check(Snapshot.validateName(name))
        let now = Date()
        return try writing { txn, t in
            let vm = try Self.resolveVM(ref, txn, t)
            guard let db = t.snapshots else { throw SpinError(.internal, "the snapshot table is missing from a writable store") }
            if let existing = try Self.loadSnapshot(vmID: vm.id, name: name, txn, t) {
                throw SpinError(.conflict, "VM \(quoted(vm.name)) already has a snapshot \(quoted(name)) (\(existing.state.rawValue)); pick another name or delete it with spin snapshot delete \(vm.name) \(name)")
            }
            let snapshot = Snapshot(vmID: vm.id, name: name, createdAt: now, memory: memory, state: .creating)
            try txn.encode(snapshot, forKey: Tables.snapshotKey(vmID: vm.id, name: name), in: db)
            return (snapshot, try alongside(snapshot, txn))
        }
    }

    /// The snapshots of VM `vmID`, ordered by name.
    public func snapshots(vmID: UInt64) throws -> [Snapshot] {
        try reading { txn, t in
            guard let db = t?.snapshots else { return [] }
            return try txn.decodeAll(Snapshot.self, in: db, range: .prefix(Tables.snapshotPrefix(vmID: vmID)))
        }
    }

    /// The snapshot `name` of VM `vmID`.
    /// - Throws: ``SpinError`` `notFound`, telling how to list the VM's snapshots.
    public func snapshot(vmID: UInt64, name: String) throws -> Snapshot {
        try reading { txn, t in
            guard let t, let snapshot = try Self.loadSnapshot(vmID: vmID, name: name, txn, t) else {
                throw SpinError(.notFound, "VM \(vmID) has no snapshot \(quoted(name)); list them with spin snapshot list \(vmID)")
            }
            return snapshot
        }
    }

    /// Changes the snapshot `name` of VM `vmID` with `change` (its state and disks; the VM and
    /// name stay), running `alongside` in the same transaction. `change` may run more than
    /// once, so it must only change the record it is given.
    /// - Throws: ``SpinError`` `notFound`, or what `change` throws.
    @discardableResult
    public func updateSnapshot<R>(
        vmID: UInt64, name: String, _ change: (inout Snapshot) throws -> Void,
        alongside: (Snapshot, WriteTransaction) throws -> R
    ) throws -> (snapshot: Snapshot, result: R) {
        try writing { txn, t in
            guard let db = t.snapshots, var snapshot = try Self.loadSnapshot(vmID: vmID, name: name, txn, t) else {
                throw SpinError(.notFound, "VM \(vmID) has no snapshot \(quoted(name)); list them with spin snapshot list \(vmID)")
            }
            try change(&snapshot)
            snapshot.vmID = vmID
            snapshot.name = name
            try txn.encode(snapshot, forKey: Tables.snapshotKey(vmID: vmID, name: name), in: db)
            return (snapshot, try alongside(snapshot, txn))
        }
    }

    /// Changes a snapshot record like ``updateSnapshot(vmID:name:_:alongside:)``.
    @discardableResult
    public func updateSnapshot(vmID: UInt64, name: String, _ change: (inout Snapshot) throws -> Void) throws -> Snapshot {
        try updateSnapshot(vmID: vmID, name: name, change) { _, _ in }.snapshot
    }

    /// Forgets the snapshot `name` of VM `vmID`; returns whether a record was there.
    @discardableResult
    public func forgetSnapshot(vmID: UInt64, name: String) throws -> Bool {
        try writing { txn, t in
            guard let db = t.snapshots else { return false }
            return try txn.delete(Tables.snapshotKey(vmID: vmID, name: name), in: db)
        }
    }

    static func loadSnapshot(vmID: UInt64, name: String, _ txn: ReadTransaction, _ t: Tables) throws -> Snapshot? {
        guard let db = t.snapshots, Snapshot.validateName(name).isEmpty else { return nil }
        return try txn.decode(Snapshot.self, forKey: Tables.snapshotKey(vmID: vmID, name: name), in: db)
    }

    /// Removes every snapshot record of VM `vmID` (the VM is being deleted).
    static func removeSnapshots(of vmID: UInt64, _ txn: WriteTransaction, _ t: Tables) throws {
        guard let db = t.snapshots else { return }
        var keys: [[UInt8]] = []
        try txn.forEach(in: db, range: .prefix(Tables.snapshotPrefix(vmID: vmID))) { key, _ in
            keys.append(Array(key))
            return true
        }
        for key in keys { try txn.delete(key, in: db) }
    }
}
