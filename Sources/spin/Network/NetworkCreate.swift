import ArgumentParser
import SpinCore

/// `spin network create NAME --subnet CIDR [--nat] [--dns-domain D] [--bridge B]`, or
/// `spin network create NAME --external --bridge B`.
struct NetworkCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a managed network (a bridge with the subnet's first address, dnsmasq, and with --nat masquerading), or record an external bridge.",
        discussion: """
            A managed network needs root. The subnet may overlap no other network and no host route.
            With --external, --bridge names a bridge an administrator made: spin records it and never creates, changes or deletes it (no subnet, dnsmasq, NAT or reserved addresses). VMs join it through a tap (spin as root) or qemu's setuid bridge helper, whose allow-list /etc/qemu/bridge.conf must permit the bridge (spin as an ordinary user; SPIN_BRIDGE_HELPER overrides /usr/lib/qemu/qemu-bridge-helper).
            Example: spin network create lan --subnet 10.77.0.0/24 --nat --dns-domain lan.test
            Example: spin network create office --external --bridge br0
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The network's name: a letter, then letters, digits, - or _.") var name: String
    @Option(help: "The IPv4 subnet in CIDR notation, e.g. 10.77.0.0/24 (prefix 8 to 30); not with --external.") var subnet: String?
    @Flag(help: "Masquerade the subnet to the outside and give guests a default route.") var nat = false
    @Option(help: "The DNS domain the VMs' names are served in, e.g. lan.test.") var dnsDomain: String?
    @Option(help: "The bridge's interface name (at most 15 bytes; default the first free spinbr<N>; with --external, the existing bridge).") var bridge: String?
    @Flag(help: "Attach VMs to --bridge, an existing bridge spin does not manage.") var external = false

    func run() async throws {
        var spec = NetworkSpec(name: name, subnet: subnet ?? "", nat: nat, dnsDomain: dnsDomain, bridge: bridge)
        spec.subnet = subnet
        spec.external = external
        let network = try await global.withBackend { backend in try await backend.createNetwork(spec) }
        try Output.emit(global, network) {
            guard let subnet = network.subnet, let gateway = network.gateway else {
                return "recorded network \(network.name): the external bridge \(network.bridge) (spin does not manage it)"
            }
            return "created network \(network.name): \(subnet) on bridge \(network.bridge), gateway \(gateway)\(network.nat ? ", NAT" : "")"
        }
    }
}
