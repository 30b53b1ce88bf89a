/// The reply of `guest-info`: the agent's version and its commands.
public struct GuestAgentInfo: Sendable, Equatable, Decodable {
    /// The agent's version, e.g. `"7.2.22"`.
    public var version: String
    /// Every command the agent knows, enabled or not.
    public var supportedCommands: [Command]

    /// One command of the agent.
    public struct Command: Sendable, Equatable, Decodable {
        /// The command name, e.g. `"guest-exec"`.
        public var name: String
        /// Whether the guest's admin left it enabled (`qemu-ga --block-rpcs` disables).
        public var enabled: Bool
        /// Whether it answers on success (`guest-shutdown` does not).
        public var successResponse: Bool

        enum CodingKeys: String, CodingKey {
            case name, enabled, successResponse = "success-response"
        }
    }

    /// Whether `command` is known and enabled.
    public func isEnabled(_ command: String) -> Bool {
        supportedCommands.contains { $0.name == command && $0.enabled }
    }

    enum CodingKeys: String, CodingKey {
        case version, supportedCommands = "supported_commands"
    }
}
