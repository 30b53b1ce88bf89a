/// The lease check of the command a task is running, for steps deep inside a supervisor that
/// must not act once the lease is lost: every signal of ``StopLadder`` asks it right before it
/// kills. Set by the emulation agent around each action; nil outside one (direct SDK calls).
enum LeaseCheck {
    /// Throws when the current command's lease was lost.
    @TaskLocal static var current: (@Sendable () async throws -> Void)?

    /// Runs the check, if there is one.
    static func verify() async throws {
        try await current?()
    }
}
