import SpinAPI
import SpinModel

/// Managed networks, named like the facade's methods.
extension SpinRemote {
    /// Creates a managed network on the server's host (``Spin/createNetwork(_:)``).
    @discardableResult
    public func createNetwork(_ spec: NetworkSpec) async throws -> Network {
        try await call { try await client.createNetwork(body: .json(.init(spec))).created.body.json.model() }
    }

    /// Every managed network (``Spin/listNetworks()``).
    public func listNetworks() async throws -> [Network] {
        try await call { try await client.listNetworks().ok.body.json.map { try $0.model() } }
    }

    /// One managed network (``Spin/network(_:)``).
    public func network(_ name: String) async throws -> Network {
        try await call { try await client.getNetwork(path: .init(name: name)).ok.body.json.model() }
    }

    /// Deletes a managed network (``Spin/deleteNetwork(_:)``).
    public func deleteNetwork(_ name: String) async throws {
        try await call { _ = try await client.deleteNetwork(path: .init(name: name)).noContent }
    }
}
