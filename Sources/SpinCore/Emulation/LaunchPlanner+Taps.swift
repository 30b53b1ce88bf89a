import Foundation
import SpinQemu

extension LaunchPlanner {
    /// The tun device qemu opens to attach to its taps: the qemu user needs read-write access
    /// (Debian makes it 0666; a host where it is 0600 gets an ACL entry for the qemu user).
    static let tunDevice = "/dev/net/tun"

    /// The taps of `vm`'s NICs when spin runs as root: one per NIC, on its network's bridge —
    /// spin's own (managed) or the operator's (external). As an ordinary user there are none:
    /// a NIC on an external bridge goes through qemu's bridge helper (``bridgeNICs(for:networks:)``),
    /// and one on a managed network is refused (spin cannot make its tap).
    func taps(for vm: VM, networks: [String: Network]) throws -> [LaunchTap] {
        guard !vm.networks.isEmpty else { return [] }
        let nics = try resolve(vm, networks)
        guard geteuid() == 0 else {
            if let managed = nics.first(where: { !$0.network.external }) {
                throw SpinError(.failedPrecondition, "VM \(vm.name) has a NIC on the managed network \(quoted(managed.network.name)), which needs spin to run as root (it makes a tap per NIC); run spin as root, or put the VM on a bridge an administrator made (spin network create NAME --external --bridge BRIDGE, see docs/operations.md, \"Networks as an ordinary user\")")
            }
            return []
        }
        return nics.enumerated().map { index, nic in
            LaunchTap(name: LaunchTap.name(vmID: vm.id, index: index), bridge: nic.network.bridge, macAddress: nic.mac)
        }
    }

    /// The NICs of `vm` that qemu puts on external bridges through its setuid helper: every
    /// NIC on an external network when spin is not root (as root they are taps).
    func bridgeNICs(for vm: VM, networks: [String: Network]) throws -> [QemuBridgeNIC] {
        guard !vm.networks.isEmpty, geteuid() != 0 else { return [] }
        return try resolve(vm, networks).filter(\.network.external).map {
            QemuBridgeNIC(bridge: $0.network.bridge, helper: bridgeHelper, macAddress: $0.mac)
        }
    }

    /// Each NIC's network and MAC address.
    private func resolve(_ vm: VM, _ networks: [String: Network]) throws -> [(network: Network, mac: String)] {
        try vm.networks.map { nic in
            guard let network = networks[nic.network] else {
                throw SpinError(.failedPrecondition, "VM \(vm.name)'s network \(quoted(nic.network)) does not exist; create it with spin network create \(nic.network) --subnet CIDR (or --external --bridge BRIDGE)")
            }
            guard let mac = nic.macAddress else {
                throw SpinError(.internal, "VM \(vm.name)'s NIC on network \(quoted(nic.network)) has no MAC address")
            }
            return (network, mac)
        }
    }
}
