import SpinQemu

extension GuestAgentAccess {
    /// How long after the ACPI power button a guest is asked through its agent instead:
    /// a third of the time it may take, between 1 and 10 seconds.
    static func fallbackDelay(for timeout: Duration) -> Duration {
        min(max(timeout / 3, .seconds(1)), .seconds(10))
    }

    /// The agent fallback of a graceful power-off (``QMPClient/shutdown(timeout:pressEvery:fallback:)``):
    /// when the guest has not powered off ``fallbackDelay(for:)`` after the button and an
    /// agent holds its end of the channel (asked over `qmp`, the connection the power-off
    /// uses), `guest-shutdown`. A VM without a channel, or whose guest runs no agent, is left
    /// to the button alone, as before.
    func shutdownFallback(timeout: Duration, qmp: QMPClient) -> ShutdownFallback {
        ShutdownFallback(after: Self.fallbackDelay(for: timeout)) {
            guard let chardevs = try? await qmp.queryChardev(),
                chardevs.contains(where: { $0.label == "qga0" && $0.frontendOpen })
            else { return }
            _ = try? await exchange(lockWait: .seconds(2), syncTimeout: .seconds(2), commandTimeout: .seconds(2)) { client in
                try await client.shutdown()
            }
        }
    }
}
