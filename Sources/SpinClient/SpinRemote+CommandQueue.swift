import Foundation
import SpinModel

/// The server's broker as a ``CommandQueue``, so a ``RemoteAgentRunner`` is the same loop as
/// an in-process ``AgentRunner``. Durations go over the wire in whole seconds: leases round up
/// (at least one second), waits round down.
extension SpinRemote: CommandQueue {
    /// Leases the next ready command of `resource` (``next(resource:leaseSeconds:waitSeconds:)``).
    public func next(resource: String, lease: Duration, wait: Duration) async throws -> Lease? {
        try await next(resource: resource, leaseSeconds: Self.leaseSeconds(lease), waitSeconds: Int(max(.zero, wait).components.seconds))
    }

    /// Extends a lease (``renew(_:leaseSeconds:)``); `.failedPrecondition` when it was lost.
    public func renew(_ lease: Lease, for duration: Duration) async throws -> Lease {
        try await renew(lease, leaseSeconds: Self.leaseSeconds(duration))
    }

    static func leaseSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(max(1, attoseconds > 0 ? seconds + 1 : seconds))
    }
}
