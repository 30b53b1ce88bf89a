import Foundation
import SpinModel

extension Components.Schemas.Network {
    /// The wire form of a network.
    public init(_ network: Network) {
        self.init(
            name: network.name, subnet: network.subnet?.description, gateway: network.gateway, external: network.external ? true : nil,
            nat: network.nat, dnsDomain: network.dnsDomain, bridge: network.bridge, createdAt: network.createdAt,
            dnsmasq: network.dnsmasq.map { .init(running: $0.running, pid: $0.pid, supervisor: $0.supervisor) })
    }

    /// The SDK's network.
    /// - Throws: ``SpinError`` `.invalidArgument` when the subnet is not IPv4 CIDR.
    public func model() throws -> Network {
        var network: Network
        if external == true {
            network = Network(name: name, externalBridge: bridge, createdAt: createdAt)
        } else {
            network = Network(name: name, subnet: try IPv4Subnet(parsing: subnet ?? ""), nat: nat, dnsDomain: dnsDomain, bridge: bridge, createdAt: createdAt)
        }
        network.dnsmasq = dnsmasq.map { NetworkDaemonStatus(running: $0.running, pid: $0.pid, supervisor: $0.supervisor) }
        return network
    }
}

extension Components.Schemas.NetworkCreate {
    /// The wire form of a spec.
    public init(_ spec: NetworkSpec) {
        self.init(name: spec.name, subnet: spec.subnet, external: spec.external ? true : nil, nat: spec.nat, dnsDomain: spec.dnsDomain, bridge: spec.bridge)
    }

    /// The SDK's spec.
    public func model() -> NetworkSpec {
        var spec = NetworkSpec(name: name, subnet: subnet ?? "", nat: nat ?? false, dnsDomain: dnsDomain, bridge: bridge)
        spec.subnet = subnet
        spec.external = external ?? false
        return spec
    }
}

extension Components.Schemas.NetworkAttachment {
    /// The wire form of a NIC.
    public init(_ nic: NetworkAttachment) {
        self.init(network: nic.network, macAddress: nic.macAddress, address: nic.address)
    }

    /// The SDK's NIC.
    public func model() -> NetworkAttachment { NetworkAttachment(network: network, macAddress: macAddress, address: address) }
}
