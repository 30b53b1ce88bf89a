import Foundation
import SpinModel

/// A spin server is a ``SpinService``: the requirements the client does not already have
/// under the protocol's names.
extension SpinRemote: SpinService {
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
