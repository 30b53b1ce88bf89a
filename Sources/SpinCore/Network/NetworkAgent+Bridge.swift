import Foundation

extension NetworkAgent {
    /// The bridge, marked, with the gateway address, up — each step only when missing.
    func ensureBridge(_ network: Network) async throws {
        let mark = mark(for: network.name)
        if let link = try await host.link(network.bridge) {
            guard link.kind == "bridge" else {
                throw SpinError(.conflict, "interface \(quoted(network.bridge)) exists and is not a bridge (\(link.kind ?? "a device")); delete network \(quoted(network.name)) and create it with another --bridge")
            }
            // No alias: made by an earlier delivery that died before marking it (the facade
            // checked that the name was free before recording the network).
            if link.alias != mark {
                guard link.alias == nil else {
                    throw SpinError(.conflict, "bridge \(quoted(network.bridge)) exists and is not spin's for network \(quoted(network.name)) (alias \(quoted(link.alias ?? ""))); delete network \(quoted(network.name)) and create it with another --bridge")
                }
                try await host.run(ip: ["link", "set", "dev", network.bridge, "alias", mark])
            }
        } else {
            try await host.run(ip: ["link", "add", "name", network.bridge, "type", "bridge"])
            try await host.run(ip: ["link", "set", "dev", network.bridge, "alias", mark])
        }
        let subnet = try network.managedSubnet()
        let address = "\(IPv4Subnet.format(subnet.gateway))/\(subnet.prefixLength)"
        if !(try await host.addresses(of: network.bridge)).contains(address) {
            try await host.run(ip: ["addr", "add", address, "dev", network.bridge])
        }
        try await host.run(ip: ["link", "set", "dev", network.bridge, "up"])
    }

    /// Deletes the bridge when it carries this network's mark (its ports go with it).
    func removeBridge(_ network: Network) async throws {
        guard let link = try await host.link(network.bridge), link.kind == "bridge" else { return }
        let mark = mark(for: network.name)
        // An unmarked bridge counts as ours only in the window between add and alias.
        guard link.alias == mark || link.alias == nil else { return }
        try await host.run(ip: ["link", "del", "dev", network.bridge])
    }
}
