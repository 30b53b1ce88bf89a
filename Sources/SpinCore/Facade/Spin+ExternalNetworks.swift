import Foundation

extension Spin {
    /// Records an external network: the operator's existing bridge `spec.bridge`, which spin
    /// never creates, configures or deletes — no dnsmasq, NAT or reserved addresses. A VM NIC
    /// on it joins the bridge through a tap spin makes (spin as root) or through qemu's setuid
    /// bridge helper (spin as an ordinary user; its allow-list `/etc/qemu/bridge.conf` must
    /// permit the bridge, checked at each start). Needs no root.
    /// - Throws: ``SpinError`` `.failedPrecondition` when no bridge of that name exists in
    ///   this network namespace (or the link is no bridge); `.conflict` when the name or the
    ///   bridge is another network's.
    func createExternalNetwork(_ spec: NetworkSpec) async throws -> Network {
        let network = Network(name: spec.name, externalBridge: spec.bridge ?? "")
        try ValidationProblem.check(network.validate())
        guard let link = try await self.network.host.link(network.bridge) else {
            throw SpinError(.failedPrecondition, "bridge \(quoted(network.bridge)) does not exist on this host; an external network names a bridge an administrator made (ip link add \(network.bridge) type bridge), or leave out --external to have spin make a managed network with --subnet")
        }
        guard link.kind == "bridge" else {
            throw SpinError(.failedPrecondition, "\(quoted(network.bridge)) is a\(link.kind.map { " \($0) link" } ?? " plain device"), not a bridge; give --external --bridge the name of a Linux bridge")
        }
        if let alias = link.alias, alias.hasPrefix("spin:") {
            throw SpinError(.conflict, "bridge \(quoted(network.bridge)) is a managed network's bridge (\(alias)); attach VMs to that network instead, or give another bridge")
        }
        return try await registry.createNetwork(network)
    }
}
