import Foundation
import SpinCore
import SpinModel
import Testing

/// The registry's contract for managed networks, NICs and snapshot records on both stores.
@Suite("Registry contract on both stores: networks and snapshots", .serialized)
struct RegistryContractNetworkTests {
    static func network(_ name: String, _ subnet: String, bridge: String) throws -> Network {
        Network(name: name, subnet: try IPv4Subnet(parsing: subnet), bridge: bridge)
    }

    @Test("networks: unique names and bridges, no overlapping subnets; a refused create changes nothing", arguments: StoreKind.allCases)
    func networkRules(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let r = f.registry
            let lan = try await r.createNetwork(try Self.network("lan", "10.77.0.0/24", bridge: "spinbr0"))
            #expect(try await f.other.network("lan") == lan)
            try await f.expectRefused(.conflict, "network \"lan\" already exists (subnet 10.77.0.0/24)") { _ = try await r.createNetwork(try Self.network("lan", "10.78.0.0/24", bridge: "spinbr1")) }
            try await f.expectRefused(.conflict, "bridge \"spinbr0\" already belongs to network \"lan\"") { _ = try await f.other.createNetwork(try Self.network("b", "10.78.0.0/24", bridge: "spinbr0")) }
            try await f.expectRefused(.conflict, "subnet 10.77.0.64/26 overlaps network \"lan\"'s subnet 10.77.0.0/24") {
                _ = try await r.createNetwork(try Self.network("c", "10.77.0.64/26", bridge: "spinbr2"))
            }
            try await f.expectRefused(.invalidArgument, "bridge") { _ = try await r.createNetwork(try Self.network("d", "10.78.0.0/24", bridge: "bad name!")) }
            #expect(await spinError { _ = try await r.network("nope") }?.code == .notFound)
            #expect(try await r.listNetworks().map(\.name) == ["lan"])
        }
    }

    @Test("NICs get a stable MAC and the next free address; a taken or outside address is refused; delete frees it; a used network cannot be deleted", arguments: StoreKind.allCases)
    func attachments(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let r = f.registry
            try await r.createNetwork(try Self.network("lan", "10.77.0.0/29", bridge: "spinbr0"))
            let web = try await r.createVM(VMSpec(name: "web", networks: [NetworkAttachment(network: "lan")]))
            let nic = try #require(web.networks.first)
            #expect(nic.address == "10.77.0.2" && nic.macAddress != web.macAddress && nic.macAddress?.hasPrefix("52:54:01:") == true)
            #expect(try await f.other.vm("web").networks == web.networks)
            let db = try await f.other.createVM(VMSpec(name: "db", networks: [NetworkAttachment(network: "lan")]))
            #expect(db.networks.first?.address == "10.77.0.3")
            try await f.expectRefused(.conflict, "address 10.77.0.3 of network \"lan\" is reserved for VM 2 (\"db\")") {
                _ = try await r.createVM(VMSpec(name: "x", networks: [NetworkAttachment(network: "lan", address: "10.77.0.3")]))
            }
            try await f.expectRefused(.invalidArgument, "outside network \"lan\"'s guest range") { _ = try await r.createVM(VMSpec(name: "x", networks: [NetworkAttachment(network: "lan", address: "10.77.0.7")])) }
            try await f.expectRefused(.invalidArgument, "outside") { _ = try await r.createVM(VMSpec(name: "x", networks: [NetworkAttachment(network: "lan", address: "10.77.0.1")])) }
            try await f.expectRefused(.notFound, "network \"nope\" does not exist") { _ = try await r.createVM(VMSpec(name: "x", networks: [NetworkAttachment(network: "nope")])) }
            try await f.expectRefused(.failedPrecondition, "network \"lan\" is used by VM 1 (\"web\"), VM 2 (\"db\")") { _ = try await r.deleteNetwork("lan") }
            #expect(try await r.updateVM("web") { $0.name = "web1" }.networks == web.networks, "an update keeps the NIC's MAC and address")
            for name in ["a", "b", "c"] { try await r.createVM(VMSpec(name: name, networks: [NetworkAttachment(network: "lan")])) }
            try await f.expectRefused(.failedPrecondition, "has no free address left") { _ = try await r.createVM(VMSpec(name: "full", networks: [NetworkAttachment(network: "lan")])) }
            try await r.deleteVM("db")
            #expect(try await f.other.createVM(VMSpec(name: "again", networks: [NetworkAttachment(network: "lan")])).networks.first?.address == "10.77.0.3")
            for name in ["web1", "a", "b", "c", "again"] { try await r.deleteVM(name) }
            #expect(try await r.networkUsers("lan").isEmpty)
            #expect(try await r.deleteNetwork("lan").name == "lan")
            #expect(try await r.listNetworks().isEmpty)
        }
    }

    @Test("external networks: no subnet (overlapping none), a unique bridge; NICs get a MAC and no address (one asked for is refused); a used one cannot be deleted; records read back on the other store", arguments: StoreKind.allCases)
    func externalNetworks(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let r = f.registry
            try await r.createNetwork(try Self.network("lan", "10.77.0.0/24", bridge: "spinbr0"))
            let office = try await r.createNetwork(Network(name: "office", externalBridge: "br0"))
            #expect(try await f.other.network("office") == office)
            #expect(office.external && office.subnet == nil && office.gateway == nil)
            try await f.expectRefused(.conflict, "network \"office\" already exists (external bridge br0)") { _ = try await r.createNetwork(Network(name: "office", externalBridge: "br1")) }
            try await f.expectRefused(.conflict, "bridge \"br0\" already belongs to network \"office\"") { _ = try await f.other.createNetwork(Network(name: "o2", externalBridge: "br0")) }
            try await r.createNetwork(Network(name: "lab", externalBridge: "br1"))
            var bad = Network(name: "bad", externalBridge: "br2")
            bad.nat = true
            try await f.expectRefused(.invalidArgument, "spin sets up no NAT") { _ = try await r.createNetwork(bad) }
            let web = try await r.createVM(VMSpec(name: "web", networks: [NetworkAttachment(network: "office"), NetworkAttachment(network: "lan")]))
            #expect(web.networks[0].address == nil && web.networks[0].macAddress?.hasPrefix("52:54:01:") == true)
            #expect(web.networks[1].address == "10.77.0.2")
            #expect(try await f.other.vm("web").networks == web.networks)
            try await f.expectRefused(.invalidArgument, "reserves no addresses") {
                _ = try await r.createVM(VMSpec(name: "x", networks: [NetworkAttachment(network: "office", address: "10.9.0.5")]))
            }
            let db = try await f.other.createVM(VMSpec(name: "db", networks: [NetworkAttachment(network: "office")]))
            #expect(try await r.networkUsers("office") == [web.id, db.id])
            try await f.expectRefused(.failedPrecondition, "network \"office\" is used by VM 1 (\"web\"), VM 2 (\"db\")") { _ = try await r.deleteNetwork("office") }
            #expect(try await r.updateVM("web") { $0.name = "web1" }.networks == web.networks, "an update keeps the NICs")
            _ = try await r.updateVM("db") { $0.networks = [NetworkAttachment(network: "lab")] }
            #expect(try await f.other.networkUsers("office") == [web.id])
            #expect(try await f.other.networkUsers("lab") == [db.id])
            try await r.deleteVM("web1")
            #expect(try await f.other.networkUsers("office").isEmpty)
            #expect(try await r.deleteNetwork("office").external)
            try await r.deleteVM("db")
            #expect(try await r.listNetworks().map(\.name) == ["lab", "lan"])
        }
    }

    @Test("a reserved snapshot is creating, reads back, turns ready; a second of the same name is a conflict; bad names are refused", arguments: StoreKind.allCases)
    func snapshots(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let r = f.registry
            let web = try await r.createVM(VMSpec(name: "web"))
            let reserved = try await r.reserveSnapshot(vm: "web", name: "before.upgrade", memory: true)
            #expect(reserved.state == .creating && reserved.memory && reserved.vmID == web.id)
            #expect(try await f.other.snapshot(vmID: web.id, name: "before.upgrade") == reserved)
            try await f.expectRefused(.conflict, "spin snapshot delete web before.upgrade") { _ = try await f.other.reserveSnapshot(vm: "web", name: "before.upgrade", memory: false) }
            for name in ["", "1", "-x", "a..b", "a/b", String(repeating: "a", count: 64)] {
                try await f.expectRefused(.invalidArgument, "name") { _ = try await r.reserveSnapshot(vm: "web", name: name, memory: false) }
            }
            try await f.expectRefused(.notFound, "VM \"nope\" does not exist") { _ = try await r.reserveSnapshot(vm: "nope", name: "s1", memory: false) }
            let ready = try await r.updateSnapshot(vmID: web.id, name: "before.upgrade") {
                $0.state = .ready
                $0.disks = [SnapshotDisk(name: "vol1/web.qcow2", diskBytes: 4096, vmStateBytes: 1024)]
                $0.name = "renamed"
            }
            #expect(ready.state == .ready && ready.name == "before.upgrade" && ready.disks.count == 1)
            #expect(try await f.other.snapshots(vmID: web.id) == [ready])
            #expect(await spinError { _ = try await r.snapshot(vmID: web.id, name: "zz") }?.message == "VM \(web.id) has no snapshot \"zz\"; list them with spin snapshot list \(web.id)")
            #expect(await spinError { _ = try await r.updateSnapshot(vmID: 99, name: "zz") { _ in } }?.code == .notFound)
        }
    }

    @Test("deleting a VM deletes its snapshot records and no other VM's; forgetting one reports whether it was there", arguments: StoreKind.allCases)
    func snapshotsGoWithTheirVM(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let r = f.registry
            let web = try await r.createVM(VMSpec(name: "web"))
            let db = try await r.createVM(VMSpec(name: "db"))
            for name in ["b", "a"] {
                _ = try await r.reserveSnapshot(vm: "web", name: name, memory: false)
                _ = try await f.other.reserveSnapshot(vm: "db", name: name, memory: false)
            }
            try await r.deleteVM("web")
            #expect(try await r.snapshots(vmID: web.id).isEmpty)
            #expect(try await r.snapshots(vmID: db.id).map(\.name) == ["a", "b"])
            #expect(try await f.other.forgetSnapshot(vmID: db.id, name: "a"))
            #expect(try await !r.forgetSnapshot(vmID: db.id, name: "a"))
        }
    }
}
