/// The files dnsmasq reads for one network: pure functions of the network and its VMs' NICs.
public enum DnsmasqConfig {
    /// One reservation: a NIC's MAC, its address, and the VM's host name.
    public struct Host: Sendable, Equatable {
        /// The NIC's MAC address.
        public var macAddress: String
        /// The reserved address.
        public var address: String
        /// The VM's host name.
        public var hostname: String
        /// Creates a reservation.
        public init(macAddress: String, address: String, hostname: String) {
            self.macAddress = macAddress
            self.address = address
            self.hostname = hostname
        }
    }

    /// `dnsmasq.conf`: bound to the bridge only, DHCP for reserved hosts only (a `static`
    /// range), the router option only with NAT (without it guests get no route out), DNS
    /// for the VMs' names (in `dnsDomain` when set) and nothing forwarded upstream without NAT.
    public static func configuration(_ network: Network, paths: NetworkPaths, user: String?, group: String?) -> String {
        guard let subnet = network.subnet else { return "# network \(network.name) is the operator's bridge \(network.bridge): spin runs no dnsmasq for it\n" }
        let gateway = IPv4Subnet.format(subnet.gateway)
        var lines = [
            "# written by spin for network \(network.name); spin rewrites it",
            "interface=\(network.bridge)",
            "bind-interfaces",
            "except-interface=lo",
            "pid-file=\(paths.pidFile)",
            "dhcp-leasefile=\(paths.leases)",
            "dhcp-hostsfile=\(paths.dhcpHosts)",
            "addn-hosts=\(paths.names)",
            "no-hosts",
            "dhcp-range=\(IPv4Subnet.format(subnet.network)),static,\(IPv4Subnet.format(subnet.mask)),12h",
            "dhcp-authoritative",
            "dhcp-option=option:dns-server,\(gateway)",
        ]
        if network.nat {
            lines.append("dhcp-option=option:router,\(gateway)")
        } else {
            lines.append("dhcp-option=option:router")
            lines.append("no-resolv")
        }
        if let domain = network.dnsDomain {
            lines += ["domain=\(domain)", "local=/\(domain)/", "expand-hosts", "dhcp-option=option:domain-search,\(domain)"]
        }
        if let user { lines.append("user=\(user)") }
        if let group { lines.append("group=\(group)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `dhcp-hosts`: `MAC,ADDRESS,NAME` per reservation.
    public static func dhcpHosts(_ hosts: [Host]) -> String {
        hosts.map { "\($0.macAddress),\($0.address),\($0.hostname)\n" }.joined()
    }

    /// `hosts`: `ADDRESS NAME` per reservation (`expand-hosts` adds the domain).
    public static func names(_ hosts: [Host]) -> String {
        hosts.map { "\($0.address) \($0.hostname)\n" }.joined()
    }
}
