import Foundation

/// Where an agent runner takes its commands from: the local ``Broker``, or a spin server's
/// broker over HTTP (`SpinRemote` in SpinClient). One ``AgentLoop`` serves either, so
/// in-process and remote agents lease, renew, complete and hand back the same way.
public protocol CommandQueue: Sendable {
    /// Leases the oldest ready command of `resource` for `lease`, waiting up to `wait` for one
    /// to become ready.
    /// - Returns: the lease, or nil when no command came within `wait`.
    func next(resource: String, lease: Duration, wait: Duration) async throws -> Lease?

    /// Extends a lease the caller still holds, keeping its token.
    /// - Throws: ``SpinError`` `.failedPrecondition` (or `.notFound`) when the lease was lost —
    ///   it ran out and went to another agent, or the command finished. Any other error is
    ///   taken as transient and the renewal is retried.
    func renew(_ lease: Lease, for duration: Duration) async throws -> Lease

    /// Records the outcome of a command run under `lease`; changes nothing when another agent
    /// now holds the command or it already finished.
    /// - Returns: whether this call changed anything.
    func complete(_ lease: Lease, success: Bool, reason: String?, errorCode: String?) async throws -> Bool

    /// Hands a lease back so the command is ready again at once.
    /// - Returns: whether the lease was still held and is now released.
    func release(_ lease: Lease) async throws -> Bool
}

extension CommandQueue {
    /// Whether a renewal error says the lease is gone for good (rather than a transient
    /// failure worth retrying).
    package static func leaseWasLost(_ error: any Error) -> Bool {
        guard let spin = error as? SpinError else { return false }
        return spin.code == .failedPrecondition || spin.code == .notFound
    }
}
