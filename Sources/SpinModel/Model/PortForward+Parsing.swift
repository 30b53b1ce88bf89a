extension PortForward: CustomStringConvertible {
    /// Parses the CLI form `GUEST:HOSTADDR:HOSTPORT[/tcp|/udp]`, with an IPv6 host address in
    /// brackets: `80:127.0.0.1:8080`, `53:[::1]:5353/udp`. The result is validated.
    /// - Throws: ``SpinError`` `invalidArgument` naming the part that is wrong and the form to use.
    public init(parsing text: String) throws {
        let form = "use GUEST:HOSTADDR:HOSTPORT[/udp], e.g. 80:127.0.0.1:8080 or 53:[::1]:5353/udp"
        var rest = Substring(text)
        var proto = PortProtocol.tcp
        if let slash = rest.lastIndex(of: "/") {
            let suffix = String(rest[rest.index(after: slash)...])
            guard let parsed = PortProtocol(rawValue: suffix.lowercased()) else {
                throw SpinError(.invalidArgument, "port forward \(quoted(text)): protocol \(quoted(suffix)) is neither tcp nor udp; \(form)")
            }
            proto = parsed
            rest = rest[..<slash]
        }
        guard let firstColon = rest.firstIndex(of: ":"), let lastColon = rest.lastIndex(of: ":"), firstColon != lastColon else {
            throw SpinError(.invalidArgument, "port forward \(quoted(text)) needs three parts; \(form)")
        }
        let guestText = rest[..<firstColon]
        var address = String(rest[rest.index(after: firstColon)..<lastColon])
        let hostText = rest[rest.index(after: lastColon)...]
        if address.hasPrefix("[") || address.hasSuffix("]") {
            guard address.hasPrefix("["), address.hasSuffix("]"), address.count >= 2 else {
                throw SpinError(.invalidArgument, "port forward \(quoted(text)): unbalanced brackets around the host address; \(form)")
            }
            address = String(address.dropFirst().dropLast())
        } else if address.contains(":") {
            throw SpinError(.invalidArgument, "port forward \(quoted(text)): put an IPv6 host address in brackets, e.g. 80:[::1]:8080")
        }
        guard let guest = Int(guestText) else {
            throw SpinError(.invalidArgument, "port forward \(quoted(text)): guest port \(quoted(String(guestText))) is not a number; \(form)")
        }
        guard let host = Int(hostText) else {
            throw SpinError(.invalidArgument, "port forward \(quoted(text)): host port \(quoted(String(hostText))) is not a number; \(form)")
        }
        self.init(protocol: proto, guestPort: guest, hostAddress: address, hostPort: host)
        let problems = validate()
        guard problems.isEmpty else {
            throw SpinError(.invalidArgument, problems.map { "port forward \(quoted(text)): \($0)" }.joined(separator: "\n"))
        }
    }

    /// The CLI form, e.g. `80:127.0.0.1:8080` or `53:[::1]:5353/udp` (tcp has no suffix).
    public var description: String {
        let address = hostAddress.contains(":") ? "[\(hostAddress)]" : hostAddress
        let suffix = self.protocol == .tcp ? "" : "/\(self.protocol.rawValue)"
        return "\(guestPort):\(address):\(hostPort)\(suffix)"
    }
}
