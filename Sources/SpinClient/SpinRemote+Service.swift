import Foundation
import SpinModel

/// A spin server is a ``SpinService``: the requirements the client does not already have
/// under the protocol's names.
extension SpinRemote: SpinService {
    /// The live status of several VMs, asked concurrently; those that could not be read are missing.
    public func statuses(_ vms: [VM]) async -> [UInt64: VMStatus] {
        await withTaskGroup(of: (UInt64, VMStatus?).self) { group in
            for vm in vms { group.addTask { (vm.id, try? await self.status(String(vm.id))) } }
            var result: [UInt64: VMStatus] = [:]
            for await (id, status) in group { if let status { result[id] = status } }
            return result
        }
    }

    /// A package and its commands (``status(package:)``).
    public func packageStatus(_ package: UInt64) async throws -> PackageStatus { try await status(package: package) }

    /// Records a command's outcome by hand, whoever holds it.
    public func complete(_ command: UUID, success: Bool, reason: String?) async throws {
        _ = try await complete(command, token: nil, success: success, reason: reason, errorCode: nil)
    }

    /// The server's checks of its own host, as `spin doctor` there reports them.
    public func hostChecks() async throws -> [HostCheck] {
        try await host().checks.map(\.model)
    }
}
