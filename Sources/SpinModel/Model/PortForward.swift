/// A host port forwarded to a guest port through QEMU's user-mode network.
///
/// JSON: `{"protocol":"tcp","guestPort":80,"hostAddress":"127.0.0.1","hostPort":8080}`.
/// The host address is an IP literal (v4 or v6); `0.0.0.0` and `::` listen on every address.
/// Parse the CLI form with ``init(parsing:)``.
public struct PortForward: Sendable, Codable, Equatable, Hashable {
    /// The transport.
    public var `protocol`: PortProtocol
    /// The port inside the guest, 1...65535.
    public var guestPort: Int
    /// The host address to listen on: an IP literal such as `127.0.0.1`, `::1` or `0.0.0.0`.
    public var hostAddress: String
    /// The host port to listen on, 1...65535.
    public var hostPort: Int

    /// Creates a forward; check it with ``validate()``.
    public init(protocol: PortProtocol = .tcp, guestPort: Int, hostAddress: String, hostPort: Int) {
        self.protocol = `protocol`
        self.guestPort = guestPort
        self.hostAddress = hostAddress
        self.hostPort = hostPort
    }

    /// Every problem with this forward; fields are relative (`hostAddress`, `guestPort`, …).
    public func validate() -> [ValidationProblem] {
        var validator = Validator()
        validator.range(guestPort, 1...65535, field: "guestPort")
        validator.range(hostPort, 1...65535, field: "hostPort")
        // An IPv6 literal with a dotted IPv4 tail (::ffff:1.2.3.4) is refused like the
        // document's pattern refuses it: write the hex form.
        if IPAddress.family(of: hostAddress) == nil || (IPAddress.family(of: hostAddress) == 6 && hostAddress.contains(".")) {
            let fix = hostAddress.lowercased() == "localhost"
                ? "use 127.0.0.1" : "use an IP literal such as 127.0.0.1, ::1 or 0.0.0.0"
            validator.add("hostAddress", "\(quoted(hostAddress)) is not an IP address; \(fix)")
        }
        return validator.problems
    }

    /// The host side as `protocol/port/canonical-address`, the key of the port index.
    package var hostKey: String {
        "\(self.protocol.rawValue)/\(hostPort)/\(canonicalHostAddress)"
    }

    /// The host address in its canonical form (`::1` for `0:0::1`), as the port indexes keep it.
    package var canonicalHostAddress: String { IPAddress.canonical(hostAddress) ?? hostAddress }

    /// Whether two forwards would listen on the same host socket: same protocol and port, and
    /// the same address or either of them a wildcard (`0.0.0.0`, `::`).
    public func overlaps(_ other: PortForward) -> Bool {
        guard self.protocol == other.protocol, hostPort == other.hostPort else { return false }
        if IPAddress.isWildcard(hostAddress) || IPAddress.isWildcard(other.hostAddress) { return true }
        return (IPAddress.canonical(hostAddress) ?? hostAddress) == (IPAddress.canonical(other.hostAddress) ?? other.hostAddress)
    }
}
