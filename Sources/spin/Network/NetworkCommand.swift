import ArgumentParser
import SpinCore

/// `spin network …`: managed networks (a bridge, dnsmasq for DHCP and DNS, optional NAT).
struct NetworkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Create, list, show and delete managed networks (bridge + DHCP/DNS + optional NAT).",
        discussion: "VMs join one with spin vm create NAME … --network NET; each NIC keeps its MAC and address.\nExample: spin network create lan --subnet 10.77.0.0/24 --nat --dns-domain lan.test",
        subcommands: [NetworkCreate.self, NetworkList.self, NetworkGet.self, NetworkDelete.self, NetworkTaps.self]
    )
}
