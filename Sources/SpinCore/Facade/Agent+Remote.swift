import Foundation

extension Agent {
    /// Runs one command with this agent's handler for its action — what an ``AgentRunner``
    /// does after leasing, for runners that lease from another place (a remote broker).
    /// - Parameter renewLease: extends the lease; called by long actions.
    /// - Throws: ``SpinError`` `.invalidArgument` when this agent has no such action, or what
    ///   the action threw.
    public func perform(_ command: CommandRecord, renewLease: @escaping @Sendable () async throws -> Void) async throws {
        guard let handler = actions.handler(for: command.action) else {
            throw SpinError(.invalidArgument, "agent \(resource) has no action \(command.action)")
        }
        try await handler(command.parameters, CommandContext(command: command, renewLease: renewLease))
    }
}
