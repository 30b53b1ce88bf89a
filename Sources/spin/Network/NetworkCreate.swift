import ArgumentParser
import SpinCore

/// `spin network create NAME --subnet CIDR [--nat] [--dns-domain D] [--bridge B]`.
struct NetworkCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a managed network: a bridge with the subnet's first address, dnsmasq, and with --nat masquerading.",
        discussion: "Needs root. The subnet may overlap no other network and no host route.\nExample: spin network create lan --subnet 10.77.0.0/24 --nat --dns-domain lan.test"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The network's name: a letter, then letters, digits, - or _.") var name: String
    @Option(help: "The IPv4 subnet in CIDR notation, e.g. 10.77.0.0/24 (prefix 8 to 30).") var subnet: String
    @Flag(help: "Masquerade the subnet to the outside and give guests a default route.") var nat = false
    @Option(help: "The DNS domain the VMs' names are served in, e.g. lan.test.") var dnsDomain: String?
    @Option(help: "The bridge's interface name (at most 15 bytes; default the first free spinbr<N>).") var bridge: String?

    func run() async throws {
        let spec = NetworkSpec(name: name, subnet: subnet, nat: nat, dnsDomain: dnsDomain, bridge: bridge)
        let network = try await global.withBackend { backend in try await backend.createNetwork(spec) }
        try Output.emit(global, network) {
            "created network \(network.name): \(network.subnet) on bridge \(network.bridge), gateway \(network.gateway)\(network.nat ? ", NAT" : "")"
        }
    }
}
