/// The files of one managed network under `ROOT/networks/<name>/`.
public struct NetworkPaths: Sendable, Equatable {
    /// The network's directory.
    public let directory: String

    /// The paths of network `name` under `root`.
    public init(root: SpinRoot, name: String) {
        directory = root.path + "/networks/" + name
    }

    /// dnsmasq's configuration (`--conf-file=`; also how its process is recognized).
    public var config: String { directory + "/dnsmasq.conf" }
    /// dnsmasq's pidfile.
    public var pidFile: String { directory + "/dnsmasq.pid" }
    /// DHCP leases.
    public var leases: String { directory + "/dnsmasq.leases" }
    /// `dhcp-host` reservations (`MAC,ADDRESS,NAME`), re-read on SIGHUP.
    public var dhcpHosts: String { directory + "/dhcp-hosts" }
    /// Names for DNS (hosts format), re-read on SIGHUP.
    public var names: String { directory + "/hosts" }
    /// The nftables ruleset file.
    public var nftables: String { directory + "/nftables.conf" }
    /// dnsmasq's start-up output.
    public var log: String { directory + "/dnsmasq.log" }
}
