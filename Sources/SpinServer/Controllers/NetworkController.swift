import SpinAPI
import SpinCore

/// `/v1/networks`: create, list, get and delete managed networks.
extension APIHandler {
    func listNetworks(_ input: Operations.ListNetworks.Input) async throws -> Operations.ListNetworks.Output {
        let networks = try await call { try await spin.listNetworks() }
        return .ok(.init(body: .json(networks.map(Components.Schemas.Network.init))))
    }

    func createNetwork(_ input: Operations.CreateNetwork.Input) async throws -> Operations.CreateNetwork.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the network as JSON") }
        let network = try await call { try await spin.createNetwork(body.model()) }
        return .created(.init(body: .json(.init(network))))
    }

    func getNetwork(_ input: Operations.GetNetwork.Input) async throws -> Operations.GetNetwork.Output {
        let network = try await call { try await spin.network(input.path.name) }
        return .ok(.init(body: .json(.init(network))))
    }

    func deleteNetwork(_ input: Operations.DeleteNetwork.Input) async throws -> Operations.DeleteNetwork.Output {
        try await call { try await spin.deleteNetwork(input.path.name) }
        return .noContent(.init())
    }
}
