import SpinAPI
import SpinCore

/// `/v1/vms/{ref}/snapshots`: a VM's snapshots — create, list, revert, delete.
extension APIHandler {
    func listSnapshots(_ input: Operations.ListSnapshots.Input) async throws -> Operations.ListSnapshots.Output {
        let snapshots = try await call { try await spin.listSnapshots(vm: input.path.ref) }
        return .ok(.init(body: .json(snapshots.map(Components.Schemas.Snapshot.init))))
    }

    func createSnapshot(_ input: Operations.CreateSnapshot.Input) async throws -> Operations.CreateSnapshot.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the snapshot's name as JSON") }
        let snapshot = try await call { try await spin.createSnapshot(vm: input.path.ref, name: body.name, memory: body.memory ?? false) }
        return .created(.init(body: .json(.init(snapshot))))
    }

    func revertSnapshot(_ input: Operations.RevertSnapshot.Input) async throws -> Operations.RevertSnapshot.Output {
        let snapshot = try await call { try await spin.revertSnapshot(vm: input.path.ref, name: input.path.snapshot) }
        return .ok(.init(body: .json(.init(snapshot))))
    }

    func deleteSnapshot(_ input: Operations.DeleteSnapshot.Input) async throws -> Operations.DeleteSnapshot.Output {
        try await call { try await spin.deleteSnapshot(vm: input.path.ref, name: input.path.snapshot) }
        return .noContent(.init())
    }
}
