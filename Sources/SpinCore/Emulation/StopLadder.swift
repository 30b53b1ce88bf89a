import Foundation

/// The one way spin stops a qemu, for every supervisor: a graceful power-off through QMP
/// (when the timeout allows one; the ACPI button, then the guest agent's `guest-shutdown` for
/// a guest that ignores it — ``GuestAgentAccess/shutdownFallback(timeout:qmp:)``), then
/// SIGTERM, then SIGKILL — and success only once the
/// process is gone. Before each signal it checks the running command's lease
/// (``leaseCheck``): an agent that lost its lease never kills.
struct StopLadder: Sendable {
    /// Asks the guest to power off; true once it did within the given time.
    var powerOff: @Sendable (Duration) async -> Bool
    /// Sends a signal to the process.
    var signal: @Sendable (Int32) async -> Void
    /// Waits up to the given time for the process to be gone; true when it is.
    var waitGone: @Sendable (Duration) async throws -> Bool
    /// How long qemu may take to exit after the guest powered off.
    var exitGrace: Duration = .seconds(10)
    /// How long to wait after SIGTERM before SIGKILL.
    var termGrace: Duration = .seconds(2)
    /// How long the kernel may take to end a process after SIGKILL.
    var killGrace: Duration = .seconds(10)
    /// Throws when the command doing the stop lost its lease; asked right before each signal.
    var leaseCheck: (@Sendable () async throws -> Void)? = nil

    /// Climbs the ladder for the VM named `vm`.
    /// - Throws: ``SpinError`` `.actionFailed` when the process outlives SIGKILL.
    func run(timeout: Duration, vm: String) async throws {
        if timeout > .zero, await powerOff(timeout), try await waitGone(exitGrace) { return }
        try await leaseCheck?()
        await signal(SIGTERM)
        if try await waitGone(termGrace) { return }
        try await leaseCheck?()
        await signal(SIGKILL)
        if try await waitGone(killGrace) { return }
        throw SpinError(.actionFailed, "qemu of VM \(vm) is still alive \(killGrace) after SIGKILL (stuck in the kernel, for instance on a hung disk); spin stop \(vm) tries again")
    }
}
