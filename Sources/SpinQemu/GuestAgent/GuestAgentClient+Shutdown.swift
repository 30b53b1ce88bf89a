extension GuestAgentClient {
    /// How long ``shutdown(mode:grace:)`` waits for an error reply by default.
    public static let shutdownGrace: Duration = .seconds(1)

    /// `guest-shutdown`: asks the guest's OS to power down (or halt, or reboot).
    ///
    /// The agent sends no reply on success, and the guest may go away at any moment, so this
    /// waits at most `grace` for an error reply (e.g. the command is disabled, or the
    /// shutdown program failed); silence and a closed connection both count as accepted. The
    /// next call resynchronizes first. Whether the guest really powers off shows on QEMU's
    /// side (a `SHUTDOWN` event, the process exiting).
    ///
    /// - Throws: ``GuestAgentError/commandFailed(class:desc:)`` when the agent refuses,
    ///   ``GuestAgentError/notResponding`` when no agent answers the sync,
    ///   ``GuestAgentError/disconnected`` when the connection was already closed.
    public func shutdown(mode: GuestShutdownMode = .powerdown, grace: Duration = GuestAgentClient.shutdownGrace) async throws {
        guard !isDisconnected else { throw GuestAgentError.disconnected }
        do {
            let reply = try await send("guest-shutdown", arguments: ["mode": .string(mode.rawValue)], timeout: grace)
            _ = try Self.returnValue(of: reply)
        } catch GuestAgentError.timeout, GuestAgentError.disconnected {
            return
        }
    }
}

/// What ``GuestAgentClient/shutdown(mode:grace:)`` asks of the guest.
public enum GuestShutdownMode: String, Sendable, Equatable, CaseIterable {
    /// Power off (ACPI-style; QEMU exits).
    case powerdown
    /// Halt the CPUs without powering off.
    case halt
    /// Reboot.
    case reboot
}
