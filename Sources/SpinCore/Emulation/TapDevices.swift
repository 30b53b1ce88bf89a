import Foundation

/// Makes and removes the tap devices of a VM's managed NICs with iproute2 (argv, no shell),
/// in the calling process's network namespace.
struct TapDevices: Sendable {
    let host: HostNetworking

    /// The most taps a VM may have (``NetworkAttachment/maxPerVM``).
    static let maxPerVM = NetworkAttachment.maxPerVM

    /// Makes each tap fresh (a stale one left by a crash is removed first), owned by `user`
    /// (nil: spin's own user), attached to its bridge and up. Call only while the VM's qemu
    /// does not run.
    func prepare(_ taps: [LaunchTap], vmID: UInt64, user: QemuUser?) async throws {
        try await remove(vmID: vmID)
        let uid = user?.uid ?? geteuid()
        let gid = user?.gid ?? getegid()
        for tap in taps {
            guard let bridge = try await host.link(tap.bridge), bridge.kind == "bridge" else {
                throw SpinError(.failedPrecondition, "bridge \(quoted(tap.bridge)) of VM \(vmID)'s network is missing on this host; for an external network make it again (ip link add \(tap.bridge) type bridge), for a managed one recreate the network (spin network delete, then spin network create) or restart the server that made it")
            }
            try await host.run(ip: ["tuntap", "add", "dev", tap.name, "mode", "tap", "user", String(uid), "group", String(gid)])
            try await host.run(ip: ["link", "set", "dev", tap.name, "master", tap.bridge])
            try await host.run(ip: ["link", "set", "dev", tap.name, "up"])
        }
    }

    /// Removes every tap of VM `vmID` that exists (`spt<id>n0`…); taps of other VMs stay.
    func remove(vmID: UInt64) async throws {
        let names = Set((0..<Self.maxPerVM).map { LaunchTap.name(vmID: vmID, index: $0) })
        for link in try await host.links() where names.contains(link.name) && link.kind == "tun" {
            try await host.run(ip: ["link", "del", "dev", link.name])
        }
    }
}
