/// The transport of a forwarded port. JSON: `"tcp"` or `"udp"`.
public enum PortProtocol: String, Sendable, Codable, CaseIterable, Hashable {
    /// TCP (the default).
    case tcp
    /// UDP.
    case udp
}
