import Foundation
@testable import SpinCore
import SpinStore
import Testing

@Suite("Registry: managed networks and the NICs of VMs")
struct RegistryNetworkTests {
    static func network(_ name: String, _ subnet: String, bridge: String) throws -> Network {
        Network(name: name, subnet: try IPv4Subnet(parsing: subnet), bridge: bridge)
    }

    @Test("subnets parse strictly and overlap as address sets")
    func subnets() throws {
        let a = try IPv4Subnet(parsing: "10.77.0.0/24")
        #expect(a.gateway == IPv4Subnet.parseAddress("10.77.0.1") && a.lastGuest == IPv4Subnet.parseAddress("10.77.0.254"))
        let half = try IPv4Subnet(parsing: "10.77.0.128/25"), wide = try IPv4Subnet(parsing: "10.0.0.0/8"), next = try IPv4Subnet(parsing: "10.77.1.0/24")
        #expect(a.overlaps(half) && a.overlaps(wide) && half.overlaps(a))
        #expect(!a.overlaps(next))
        for bad in ["10.77.0.1/24", "10.77.0.0", "10.77.0.0/31", "10.077.0.0/24", "10.77.0.0/024", "300.1.1.0/24", "a.b.c.d/8"] {
            #expect(throws: SpinError.self, "\(bad)") { try IPv4Subnet(parsing: bad) }
        }
    }

    @Test("networks: unique names and bridges, no overlapping subnets; a refused create changes nothing")
    func networkRules() throws {
        let temp = try TemporaryRegistry()
        let registry = temp.registry
        try registry.createNetwork(try Self.network("lan", "10.77.0.0/24", bridge: "spinbr0"))
        let before = try temp.snapshot()
        #expect(throws: SpinError.self) { try registry.createNetwork(try Self.network("lan", "10.78.0.0/24", bridge: "spinbr1")) }
        #expect(throws: SpinError.self) { try registry.createNetwork(try Self.network("b", "10.78.0.0/24", bridge: "spinbr0")) }
        #expect(throws: SpinError.self) { try registry.createNetwork(try Self.network("c", "10.77.0.64/26", bridge: "spinbr2")) }
        #expect(throws: SpinError.self) { try registry.createNetwork(try Self.network("d", "10.78.0.0/24", bridge: "bad name!")) }
        #expect(try temp.snapshot() == before)
        #expect(try registry.listNetworks().map(\.name) == ["lan"])
    }

    @Test("NICs get a stable MAC apart from the user-mode NIC's and the next free address; a taken or outside address is refused; delete frees it; a used network cannot be deleted")
    func attachments() throws {
        let temp = try TemporaryRegistry()
        let registry = temp.registry
        try registry.createNetwork(try Self.network("lan", "10.77.0.0/29", bridge: "spinbr0"))
        let web = try registry.createVM(VMSpec(name: "web", networks: [NetworkAttachment(network: "lan")]))
        let nic = try #require(web.networks.first)
        #expect(nic.address == "10.77.0.2" && nic.macAddress != web.macAddress && nic.macAddress?.hasPrefix("52:54:01:") == true)
        #expect(try registry.vm("web").networks == web.networks)
        let db = try registry.createVM(VMSpec(name: "db", networks: [NetworkAttachment(network: "lan")]))
        #expect(db.networks.first?.address == "10.77.0.3")
        let before = try temp.snapshot()
        #expect(throws: SpinError.self) { try registry.createVM(VMSpec(name: "x", networks: [NetworkAttachment(network: "lan", address: "10.77.0.3")])) }
        #expect(throws: SpinError.self) { try registry.createVM(VMSpec(name: "x", networks: [NetworkAttachment(network: "lan", address: "10.77.0.7")])) }
        #expect(throws: SpinError.self) { try registry.createVM(VMSpec(name: "x", networks: [NetworkAttachment(network: "lan", address: "10.77.0.1")])) }
        #expect(throws: SpinError.self) { try registry.createVM(VMSpec(name: "x", networks: [NetworkAttachment(network: "nope")])) }
        #expect(throws: SpinError.self) { try registry.deleteNetwork("lan") }
        #expect(try temp.snapshot() == before)
        // An update keeps the NIC's MAC and address.
        let renamed = try registry.updateVM("web") { $0.name = "web1" }
        #expect(renamed.networks == web.networks)
        // /29: guests .2 to .6; fill it, then it is full.
        for name in ["a", "b", "c"] { try registry.createVM(VMSpec(name: name, networks: [NetworkAttachment(network: "lan")])) }
        #expect(throws: SpinError.self) { try registry.createVM(VMSpec(name: "full", networks: [NetworkAttachment(network: "lan")])) }
        try registry.deleteVM("db")
        #expect(try registry.createVM(VMSpec(name: "again", networks: [NetworkAttachment(network: "lan")])).networks.first?.address == "10.77.0.3")
        for name in ["web1", "a", "b", "c", "again"] { try registry.deleteVM(name) }
        #expect(try registry.networkUsers("lan").isEmpty)
        try registry.deleteNetwork("lan")
    }

    @Test("a store made before networks existed still reads: its VMs are listed, it has no networks")
    func olderStore() throws {
        var template = Array("/tmp/spin-registry-XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let store = try Store(path: directory + "/store", options: StoreOptions(durable: false))
            try store.prepare(databases: ["vms", "vm.names", "vm.ports", "volumes", "volume.paths", "images"])
            try store.write { txn in
                let vm = VM(id: 1, name: "old")
                let vms = try txn.createDatabase(named: "vms")
                try txn.put(VMRecordCodec.encode(vm), forKey: UInt64(1), in: vms)
                try txn.put(UInt64(1).storeKeyBytes, forKey: "old", in: try txn.createDatabase(named: "vm.names"))
            }
        }
        let store = try Store(path: directory + "/store", options: .readOnly)
        let registry = try Registry(store: store, prepares: false)
        #expect(try registry.listVMs().map(\.name) == ["old"])
        #expect(try registry.vm("old").networks.isEmpty)
        #expect(try registry.listNetworks().isEmpty)
    }

    @Test("the record's section 5 round-trips a VM's NICs")
    func codec() throws {
        var vm = VM(id: 7, name: "n", macAddress: "52:54:00:aa:bb:cc")
        vm.networks = [NetworkAttachment(network: "lan", macAddress: "52:54:01:aa:bb:cc", address: "10.77.0.2"),
                       NetworkAttachment(network: "dmz", macAddress: "52:54:02:aa:bb:cc", address: "10.78.0.9")]
        let bytes = VMRecordCodec.encode(vm)
        #expect(try bytes.withUnsafeBytes { try VMRecordCodec.decode($0, key: 7) } == vm)
    }

    @Test("external networks: a NIC without address round-trips in section 5; records and network.create parameters written before external networks read as managed; an external record has no subnet or gateway in JSON")
    func externalCompatibility() throws {
        var vm = VM(id: 8, name: "e", macAddress: "52:54:00:aa:bb:cd")
        vm.networks = [NetworkAttachment(network: "office", macAddress: "52:54:01:aa:bb:cd"),
                       NetworkAttachment(network: "lan", macAddress: "52:54:02:aa:bb:cd", address: "10.77.0.3")]
        #expect(try VMRecordCodec.encode(vm).withUnsafeBytes { try VMRecordCodec.decode($0, key: 8) } == vm)

        let old = #"{"name":"lan","subnet":"10.77.0.0/24","gateway":"10.77.0.1","nat":true,"bridge":"spinbr0","createdAt":"2026-01-01T00:00:00Z"}"#
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let network = try decoder.decode(Network.self, from: Data(old.utf8))
        #expect(!network.external && network.subnet?.description == "10.77.0.0/24" && network.nat)
        let parameters = try JSONDecoder().decode(NetworkActionParameters.self, from: Data(#"{"name":"lan","bridge":"spinbr0","subnet":"10.77.0.0/24","nat":false}"#.utf8))
        let fromOld = try parameters.network()
        #expect(!fromOld.external && fromOld.subnet?.description == "10.77.0.0/24" && fromOld.bridge == "spinbr0")
        #expect(try NetworkActionParameters(Network(name: "office", externalBridge: "br0")).network().external)

        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let external = String(decoding: try encoder.encode(Network(name: "office", externalBridge: "br0")), as: UTF8.self)
        #expect(external.contains(#""external":true"#) && !external.contains("subnet") && !external.contains("gateway"))
        #expect(throws: DecodingError.self) { try decoder.decode(Network.self, from: Data(#"{"name":"x","bridge":"b","createdAt":"2026-01-01T00:00:00Z"}"#.utf8)) }
    }

    @Test("dnsmasq's files: reservations per NIC; no router without NAT")
    func dnsmasqFiles() throws {
        let network = Network(name: "lan", subnet: try IPv4Subnet(parsing: "10.77.0.0/24"), nat: false, dnsDomain: "lan.test", bridge: "spinbr0")
        let paths = NetworkPaths(root: SpinRoot(explicit: "/r"), name: "lan")
        let config = DnsmasqConfig.configuration(network, paths: paths, user: "nobody", group: nil)
        #expect(config.contains("interface=spinbr0\n") && config.contains("dhcp-range=10.77.0.0,static,255.255.255.0,12h"))
        #expect(config.contains("dhcp-option=option:router\n") && config.contains("no-resolv") && config.contains("domain=lan.test"))
        var nat = network
        nat.nat = true
        #expect(DnsmasqConfig.configuration(nat, paths: paths, user: nil, group: nil).contains("dhcp-option=option:router,10.77.0.1"))
        let hosts = [DnsmasqConfig.Host(macAddress: "52:54:01:00:00:01", address: "10.77.0.2", hostname: "web")]
        #expect(DnsmasqConfig.dhcpHosts(hosts) == "52:54:01:00:00:01,10.77.0.2,web\n")
        #expect(NetworkAgent.nftablesRuleset(nat).contains("ip saddr 10.77.0.0/24 ip daddr != 10.77.0.0/24 masquerade"))
    }
}
