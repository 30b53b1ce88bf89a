import Foundation

extension LaunchPlanner {
    /// The tun device qemu opens to attach to its taps: the qemu user needs read-write access
    /// (Debian makes it 0666; a host where it is 0600 gets an ACL entry for the qemu user).
    static let tunDevice = "/dev/net/tun"

    /// The taps of `vm`'s NICs on managed networks. Needs spin to run as root (it makes the
    /// taps); an ordinary user is refused, pointed to qemu-bridge-helper.
    func taps(for vm: VM, networks: [String: Network]) throws -> [LaunchTap] {
        guard !vm.networks.isEmpty else { return [] }
        guard geteuid() == 0 else {
            throw SpinError(.failedPrecondition, "VM \(vm.name) has NICs on managed networks, which need spin to run as root (it makes a tap per NIC); run spin as root, or see docs/operations.md, \"Networks as an ordinary user\" (qemu-bridge-helper and /etc/qemu/bridge.conf)")
        }
        return try vm.networks.enumerated().map { index, nic in
            guard let network = networks[nic.network] else {
                throw SpinError(.failedPrecondition, "VM \(vm.name)'s network \(quoted(nic.network)) does not exist; create it with spin network create \(nic.network) --subnet CIDR")
            }
            guard let mac = nic.macAddress else {
                throw SpinError(.internal, "VM \(vm.name)'s NIC on network \(quoted(nic.network)) has no MAC address")
            }
            return LaunchTap(name: LaunchTap.name(vmID: vm.id, index: index), bridge: network.bridge, macAddress: mac)
        }
    }
}
