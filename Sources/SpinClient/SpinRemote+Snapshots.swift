import SpinAPI
import SpinModel

extension SpinRemote {
    /// Snapshots every writable disk of a VM (``Spin/createSnapshot(vm:name:memory:)``).
    @discardableResult
    public func createSnapshot(vm ref: String, name: String, memory: Bool = false) async throws -> Snapshot {
        try ValidationProblem.check(Snapshot.validateName(name))
        let body = Components.Schemas.SnapshotCreate(name: name, memory: memory)
        return try await call { try await client.createSnapshot(path: .init(ref: ref), body: .json(body)).created.body.json.model() }
    }

    /// A VM's snapshots (``Spin/listSnapshots(vm:)``).
    public func listSnapshots(vm ref: String) async throws -> [Snapshot] {
        try await call { try await client.listSnapshots(path: .init(ref: ref)).ok.body.json.map { try $0.model() } }
    }

    /// Reverts a VM to a snapshot (``Spin/revertSnapshot(vm:name:)``).
    @discardableResult
    public func revertSnapshot(vm ref: String, name: String) async throws -> Snapshot {
        try ValidationProblem.check(Snapshot.validateName(name))
        return try await call { try await client.revertSnapshot(path: .init(ref: ref, snapshot: name)).ok.body.json.model() }
    }

    /// Deletes a snapshot (``Spin/deleteSnapshot(vm:name:)``).
    public func deleteSnapshot(vm ref: String, name: String) async throws {
        try ValidationProblem.check(Snapshot.validateName(name))
        try await call { _ = try await client.deleteSnapshot(path: .init(ref: ref, snapshot: name)).noContent }
    }
}
