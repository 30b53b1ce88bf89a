import Foundation
@testable import SpinCore
import SpinStore
import Testing

@Suite("cloud-init: network-config and resolvers for managed NICs")
struct CloudInitNetworkTests {
    @Test("every NIC is matched by MAC: the user-mode one by DHCP, a managed one with its address; a route only with NAT; the network's dnsmasq first in resolv.conf")
    func seed() throws {
        var vm = VM(id: 3, name: "web", cloudInit: CloudInit(), macAddress: "52:54:00:00:00:03")
        vm.networks = [NetworkAttachment(network: "lan", macAddress: "52:54:01:00:00:03", address: "10.77.0.2")]
        let lan = Network(name: "lan", subnet: try IPv4Subnet(parsing: "10.77.0.0/24"), bridge: "spinbr0")
        let settings = try #require(vm.cloudInit)
        let seed = try EmulationAgent.seed(for: vm, settings, networks: ["lan": lan])
        let config = try #require(seed.networkConfig).rendered()
        #expect(config.contains("macaddress: \"52:54:00:00:00:03\"\n    dhcp4: true"))
        #expect(config.contains("macaddress: \"52:54:01:00:00:03\"\n    dhcp4: false\n    addresses:\n      - \"10.77.0.2/24\""))
        #expect(!config.contains("routes"))
        #expect(seed.resolvers == ["10.77.0.1"])
        #expect(seed.vendorDataFile?.contains("nameserver 10.77.0.1") == true)
        var nat = lan
        nat.nat = true
        let routedSeed = try EmulationAgent.seed(for: vm, settings, networks: ["lan": nat])
        let routed = try #require(routedSeed.networkConfig).rendered()
        #expect(routed.contains("via: \"10.77.0.1\"\n        metric: 200"))
        #expect(routedSeed.vendorDataFile?.contains("[\"ip\", \"route\", \"replace\", \"default\", \"via\", \"10.77.0.1\", \"metric\", \"200\"]") == true)
        #expect(seed.defaultRoutes.isEmpty)
        vm.networks = []
        #expect(try EmulationAgent.seed(for: vm, settings).networkConfig == nil)
    }
}
