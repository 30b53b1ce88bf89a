import Foundation
import PostgresNIO
import SpinCore
import SpinModel

/// Snapshot records: one row per snapshot, keyed by the VM's id and the snapshot's name,
/// deleted with their VM (ON DELETE CASCADE).
extension PostgresRegistry {
    /// Records the snapshot `name` of the VM named by `ref` as `creating`; of two racing
    /// reservations of one name, the primary key lets exactly one through.
    @discardableResult
    public func reserveSnapshot(vm ref: String, name: String, memory: Bool) async throws -> Snapshot {
        try await reserveSnapshot(vm: ref, name: name, memory: memory) { _, _ in true }.snapshot
    }

    /// Reserves a snapshot like ``reserveSnapshot(vm:name:memory:)`` and runs `alongside` in
    /// the same transaction (to submit the package that takes it), so both commit or neither.
    public func reserveSnapshot<R: Sendable>(
        vm ref: String, name: String, memory: Bool, alongside: @escaping @Sendable (Snapshot, PostgresConnection) async throws -> R
    ) async throws -> (snapshot: Snapshot, result: R) {
        try ValidationProblem.check(Snapshot.validateName(name))
        let now = Date()
        return try await write { c in
            let vm = try await Self.resolveVM(ref, c)
            if let existing = try await Self.loadSnapshot(vmID: vm.id, name: name, c) {
                throw SpinError(.conflict, "VM \(quoted(vm.name)) already has a snapshot \(quoted(name)) (\(existing.state.rawValue)); pick another name or delete it with spin snapshot delete \(vm.name) \(name)")
            }
            let snapshot = Snapshot(vmID: vm.id, name: name, createdAt: now, memory: memory, state: .creating)
            try await c.query(
                "INSERT INTO registry_snapshots (vm_id, name, body) VALUES (\(Int64(clamping: vm.id)), \(name), \(try Self.json(snapshot))::jsonb)",
                logger: Self.logger)
            return (snapshot, try await alongside(snapshot, c))
        }
    }

    /// The snapshots of VM `vmID`, ordered by name.
    public func snapshots(vmID: UInt64) async throws -> [Snapshot] {
        guard let id = Int64(exactly: vmID) else { return [] }
        return try await read { c in
            let rows = try await c.query("SELECT body::text FROM registry_snapshots WHERE vm_id = \(id) ORDER BY name", logger: Self.logger)
            var snapshots: [Snapshot] = []
            for try await body in rows.decode(String.self) { snapshots.append(try Self.decode(Snapshot.self, body)) }
            return snapshots
        }
    }

    /// The snapshot `name` of VM `vmID`.
    public func snapshot(vmID: UInt64, name: String) async throws -> Snapshot {
        try await read { c in
            guard let snapshot = try await Self.loadSnapshot(vmID: vmID, name: name, c) else { throw Self.noSnapshot(vmID, name) }
            return snapshot
        }
    }

    /// Changes the snapshot's state and disks (its row locked); the VM and name stay.
    @discardableResult
    public func updateSnapshot(vmID: UInt64, name: String, change: @escaping @Sendable (inout Snapshot) throws -> Void) async throws -> Snapshot {
        try await updateSnapshot(vmID: vmID, name: name, change: change) { _, _ in true }.snapshot
    }

    /// Changes a snapshot like ``updateSnapshot(vmID:name:change:)`` and runs `alongside` in the
    /// same transaction (to submit the package that acts on it), so both commit or neither.
    public func updateSnapshot<R: Sendable>(
        vmID: UInt64, name: String, change: @escaping @Sendable (inout Snapshot) throws -> Void,
        alongside: @escaping @Sendable (Snapshot, PostgresConnection) async throws -> R
    ) async throws -> (snapshot: Snapshot, result: R) {
        try await write { c in
            guard var snapshot = try await Self.loadSnapshot(vmID: vmID, name: name, lock: .update, c) else { throw Self.noSnapshot(vmID, name) }
            try Self.apply(change, to: &snapshot)
            snapshot.vmID = vmID
            snapshot.name = name
            try await c.query(
                "UPDATE registry_snapshots SET body = \(try Self.json(snapshot))::jsonb WHERE vm_id = \(Int64(clamping: vmID)) AND name = \(name)",
                logger: Self.logger)
            return (snapshot, try await alongside(snapshot, c))
        }
    }

    /// Forgets the snapshot `name` of VM `vmID`; returns whether a record was there.
    @discardableResult
    public func forgetSnapshot(vmID: UInt64, name: String) async throws -> Bool {
        guard let id = Int64(exactly: vmID) else { return false }
        return try await write { c in
            let rows = try await c.query("DELETE FROM registry_snapshots WHERE vm_id = \(id) AND name = \(name) RETURNING name", logger: Self.logger)
            for try await _ in rows { return true }
            return false
        }
    }

    static func loadSnapshot(vmID: UInt64, name: String, lock: RowLock = .none, _ c: PostgresConnection) async throws -> Snapshot? {
        guard let id = Int64(exactly: vmID), Snapshot.validateName(name).isEmpty else { return nil }
        let rows = try await c.query(
            "SELECT body::text FROM registry_snapshots WHERE vm_id = \(id) AND name = \(name) \(unescaped: lock.rawValue)",
            logger: logger)
        for try await body in rows.decode(String.self) { return try decode(Snapshot.self, body) }
        return nil
    }

    static func noSnapshot(_ vmID: UInt64, _ name: String) -> SpinError {
        SpinError(.notFound, "VM \(vmID) has no snapshot \(quoted(name)); list them with spin snapshot list \(vmID)")
    }
}
