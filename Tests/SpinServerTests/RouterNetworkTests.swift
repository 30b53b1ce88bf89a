import Foundation
import Hummingbird
import HummingbirdTesting
import SpinCore
import Testing

/// The network routes over the registry. Nothing here makes a bridge: bad input is refused
/// before the host is touched, and the one network is recorded directly (its bridge name
/// exists on no host), so its delete finds nothing of spin's to remove.
@Suite("Router: networks")
struct RouterNetworkTests {
    @Test("list, get, bad input 400, unknown 404, a VM on an unknown network 404 or outside the subnet 400, delete of a used network 409, then 204")
    func networks() async throws {
        try await ServerFixture.with(configure: { options, _ in options.managesNetworks = true }) { fixture in
            try await fixture.withRouter { client in
                #expect(try await client.send(.get, "/v1/networks").array.isEmpty)
                let badSubnet = try await client.send(.post, "/v1/networks", json: ["name": "lan", "subnet": "10.77.0.1/24"])
                #expect(badSubnet.status == 400 && badSubnet.errorCode == "invalid_argument")
                let badName = try await client.send(.post, "/v1/networks", json: ["name": "../x", "subnet": "10.77.0.0/24"])
                #expect(badName.status == 400)
                #expect(try await client.send(.get, "/v1/networks/nope").status == 404)
                #expect(try await client.send(.delete, "/v1/networks/nope").status == 404)

                let subnet = try IPv4Subnet(parsing: "10.213.7.0/24")
                try await fixture.spin.registry.createNetwork(Network(name: "lan", subnet: subnet, bridge: "spnotabridge9"))
                let got = try await client.send(.get, "/v1/networks/lan")
                #expect(got.status == 200 && got.object["gateway"] as? String == "10.213.7.1" && got.object["nat"] as? Bool == false)
                #expect(try await client.send(.get, "/v1/networks").array.count == 1)

                let unknown = try await client.send(.post, "/v1/vms", json: ["name": "a", "networks": [["network": "nope"]]])
                #expect(unknown.status == 404, "\(unknown.object)")
                let outside = try await client.send(.post, "/v1/vms", json: ["name": "a", "networks": [["network": "lan", "address": "10.9.9.9"]]])
                #expect(outside.status == 400, "\(outside.object)")
                let vm = try await client.send(.post, "/v1/vms", json: ["name": "a", "networks": [["network": "lan"]]])
                #expect(vm.status == 201, "\(vm.object)")
                let nic = (vm.object["networks"] as? [[String: Any]])?.first
                #expect(nic?["address"] as? String == "10.213.7.2" && (nic?["macAddress"] as? String)?.hasPrefix("52:54:01:") == true)
                let used = try await client.send(.delete, "/v1/networks/lan")
                #expect(used.status == 409 && used.errorCode == "failed_precondition")
                #expect(try await client.send(.delete, "/v1/vms/a").status == 204)
                #expect(try await client.send(.delete, "/v1/networks/lan").status == 204)
                #expect(try await client.send(.get, "/v1/networks").array.isEmpty)
            }
        }
        // A server's default: API callers do not change the host's networks.
        try await ServerFixture.with { fixture in
            try await fixture.withRouter { client in
                let refused = try await client.send(.post, "/v1/networks", json: ["name": "lan", "subnet": "10.213.7.0/24"])
                #expect(refused.status == 403 && refused.errorCode == "forbidden")
            }
        }
    }

    @Test("external networks: subnet with external or neither 400, a missing bridge 409 naming the fix; a recorded one reads with external and no subnet; its NICs have no address (one given is 400); delete refused while used, then 204")
    func externalNetworks() async throws {
        try await ServerFixture.with(configure: { options, _ in options.managesNetworks = true }) { fixture in
            try await fixture.withRouter { client in
                let both = try await client.send(.post, "/v1/networks", json: ["name": "office", "external": true, "bridge": "br0", "subnet": "10.77.0.0/24"])
                #expect(both.status == 400 && both.errorCode == "invalid_argument", "\(both.object)")
                let neither = try await client.send(.post, "/v1/networks", json: ["name": "office", "bridge": "br0"])
                #expect(neither.status == 400, "\(neither.object)")
                let missing = try await client.send(.post, "/v1/networks", json: ["name": "office", "external": true, "bridge": "spnotabridge8"])
                #expect(missing.status == 409 && "\(missing.object)".contains("ip link add spnotabridge8 type bridge"), "\(missing.object)")

                try await fixture.spin.registry.createNetwork(Network(name: "office", externalBridge: "spnotabridge8"))
                let got = try await client.send(.get, "/v1/networks/office")
                #expect(got.status == 200 && got.object["external"] as? Bool == true && got.object["subnet"] == nil && got.object["gateway"] == nil && got.object["dnsmasq"] == nil)
                let given = try await client.send(.post, "/v1/vms", json: ["name": "a", "networks": [["network": "office", "address": "10.9.9.9"]]])
                #expect(given.status == 400, "\(given.object)")
                let vm = try await client.send(.post, "/v1/vms", json: ["name": "a", "networks": [["network": "office"]]])
                #expect(vm.status == 201, "\(vm.object)")
                let nic = (vm.object["networks"] as? [[String: Any]])?.first
                #expect(nic?["address"] == nil && (nic?["macAddress"] as? String)?.hasPrefix("52:54:01:") == true)
                #expect(try await client.send(.delete, "/v1/networks/office").status == 409)
                #expect(try await client.send(.delete, "/v1/vms/a").status == 204)
                #expect(try await client.send(.delete, "/v1/networks/office").status == 204)
            }
        }
    }
}
