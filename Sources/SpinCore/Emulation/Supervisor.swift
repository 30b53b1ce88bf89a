import Foundation

/// Runs qemu processes for VMs. The emulation agent drives it; it never decides policy.
public protocol Supervisor: Sendable {
    /// Which kind this is.
    var kind: SupervisorKind { get }
    /// Whether plans for this supervisor daemonize qemu.
    var daemonizes: Bool { get }
    /// Writes what is needed to start the VM (a unit file, a launch description).
    /// - Returns: whether anything changed.
    func writeConfig(_ plan: LaunchPlan) async throws -> Bool
    /// Removes what ``writeConfig(_:)`` wrote. Removing twice is harmless.
    func removeConfig(vmID: UInt64) async throws
    /// Starts qemu from the written config; returns once the process runs (not yet QMP).
    func start(vmID: UInt64) async throws
    /// Stops qemu: a graceful power-off through QMP first, then forced once `timeout` passes.
    /// Returns once the process is gone. `leaseCheck` (the command's lease, when an agent
    /// stops) is asked right before each signal and stops the ladder when it throws.
    func stop(vmID: UInt64, timeout: Duration, leaseCheck: (@Sendable () async throws -> Void)?) async throws
    /// Records that the VM stopped cleanly although the supervisor could not see it
    /// (a guest power-off completed through QMP).
    func markStopped(vmID: UInt64) async throws
    /// The process's state now.
    func status(vmID: UInt64) async throws -> ProcessStatus
    /// Waits until the VM's process has ended and the supervisor has settled (systemd runs
    /// `ExecStop` even after qemu exits by itself). Returns false when `timeout` passes first.
    func waitUntilStopped(vmID: UInt64, timeout: Duration) async throws -> Bool
}

extension Supervisor {
    /// Stops qemu with no lease to check (a direct SDK call).
    public func stop(vmID: UInt64, timeout: Duration) async throws {
        try await stop(vmID: vmID, timeout: timeout, leaseCheck: nil)
    }
}
