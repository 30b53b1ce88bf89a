import Foundation

extension NetworkAgent {
    /// The nftables ruleset of `network`: its own table masquerading the subnet to anything
    /// outside it and letting the bridge's traffic be forwarded. Loading it replaces the
    /// table's previous contents (declare, flush, fill — one `nft -f` transaction).
    public static func nftablesRuleset(_ network: Network) -> String {
        let table = tableName(bridge: network.bridge)
        let subnet = network.subnet?.description ?? "0.0.0.0/32"  // never: external networks get no table
        return """
            # written by spin for network \(network.name)
            table ip \(table) {}
            flush table ip \(table)
            table ip \(table) {
            \tchain postrouting {
            \t\ttype nat hook postrouting priority srcnat; policy accept;
            \t\tip saddr \(subnet) ip daddr != \(subnet) masquerade
            \t}
            \tchain forward {
            \t\ttype filter hook forward priority filter; policy accept;
            \t\tiifname "\(network.bridge)" accept
            \t\toifname "\(network.bridge)" ct state established,related accept
            \t}
            }

            """
    }

    /// Loads the table (idempotent) and turns IPv4 forwarding on.
    func ensureNAT(_ network: Network, paths: NetworkPaths) async throws {
        try writeFile(paths.nftables, Self.nftablesRuleset(network))
        try await host.run(nft: ["-f", paths.nftables])
        let forward = "/proc/sys/net/ipv4/ip_forward"
        if (try? String(contentsOfFile: forward, encoding: .utf8))?.hasPrefix("1") != true {
            do { try "1\n".write(toFile: forward, atomically: false, encoding: .utf8) } catch {
                throw SpinError(.actionFailed, "cannot turn IPv4 forwarding on (\(forward)): \(error)")
            }
        }
    }

    /// Deletes the network's table when it exists (IPv4 forwarding stays as it is: other
    /// things may need it).
    func removeNAT(_ network: Network) async throws {
        let table = Self.tableName(bridge: network.bridge)
        guard try await host.run(nft: ["list", "table", "ip", table], check: false) else { return }
        try await host.run(nft: ["delete", "table", "ip", table])
    }
}
