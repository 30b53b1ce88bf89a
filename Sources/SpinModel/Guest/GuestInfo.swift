/// Whether a running VM's guest agent answers, as `spin vm get` shows it.
public enum GuestAgentState: String, Sendable, Codable, CaseIterable {
    /// The agent answered; the guest's addresses come from it.
    case answering
    /// The VM has the channel, but no agent answered in time (not installed, not started yet,
    /// the guest still booting or hung).
    case notAnswering = "not-answering"
    /// Another spin command is talking to the agent right now (it serves one at a time).
    case busy
    /// The VM's qemu has no guest agent channel (it was started before spin gave every VM one;
    /// a restart adds it).
    case noChannel = "no-channel"
}

/// What the guest agent of a running VM says about the guest. JSON: `{"agent":"answering",
/// "hostname":"web","addresses":[{"interface":"eth0","family":"ipv4","address":"10.0.2.15","prefix":24}]}`.
public struct GuestInfo: Sendable, Codable, Equatable {
    /// The agent's state.
    public var agent: GuestAgentState
    /// Why the agent is not answering, when it is not.
    public var detail: String?
    /// The guest's host name, from the agent.
    public var hostname: String?
    /// The guest's addresses except loopback, from the agent (empty unless it answers).
    public var addresses: [GuestAddress]

    /// Creates a report.
    public init(agent: GuestAgentState, detail: String? = nil, hostname: String? = nil, addresses: [GuestAddress] = []) {
        self.agent = agent
        self.detail = detail
        self.hostname = hostname
        self.addresses = addresses
    }
}

/// One address of the guest, from its agent.
public struct GuestAddress: Sendable, Codable, Equatable, Hashable {
    /// The guest's interface name, e.g. `eth0`.
    public var interface: String
    /// `ipv4` or `ipv6`.
    public var family: String
    /// The address, e.g. `10.0.2.15`.
    public var address: String
    /// The prefix length, e.g. 24.
    public var prefix: Int

    /// Creates an address.
    public init(interface: String, family: String, address: String, prefix: Int) {
        self.interface = interface
        self.family = family
        self.address = address
        self.prefix = prefix
    }
}
