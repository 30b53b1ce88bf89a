import SpinAPI
import SpinCore

/// `/v1/volumes`: create, list, get and delete volumes.
extension APIHandler {
    func listVolumes(_ input: Operations.ListVolumes.Input) async throws -> Operations.ListVolumes.Output {
        let volumes = try await call { try await spin.listVolumes() }
        return .ok(.init(body: .json(volumes.map(Components.Schemas.Volume.init))))
    }

    func createVolume(_ input: Operations.CreateVolume.Input) async throws -> Operations.CreateVolume.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the volume as JSON") }
        let volume = try await call { try await spin.createVolume(name: body.name, path: body.path) }
        return .created(.init(body: .json(.init(volume))))
    }

    func getVolume(_ input: Operations.GetVolume.Input) async throws -> Operations.GetVolume.Output {
        let volume = try await call { try await spin.volume(input.path.name) }
        return .ok(.init(body: .json(.init(volume))))
    }

    func deleteVolume(_ input: Operations.DeleteVolume.Input) async throws -> Operations.DeleteVolume.Output {
        let deletion = try await call { try await spin.deleteVolume(input.path.name, force: input.query.force ?? false) }
        return .ok(.init(body: .json(.init(deletion))))
    }
}
