import Foundation
import SpinQemu

/// The agent of the `network` resource: managed networks on this host — a Linux bridge, a
/// dnsmasq, and with NAT an nftables table — all in the agent process's network namespace.
///
/// Every action looks at what exists before acting, so a command redelivered after a crash
/// finishes (create) or undoes (delete) what the first delivery began. spin removes only what
/// carries its mark: a bridge whose interface alias is ``mark(for:)``, a dnsmasq whose command
/// line names the network's own configuration file, an nftables table named
/// ``tableName(bridge:)``.
public struct NetworkAgent: Agent {
    /// `network`.
    public let resource = "network"
    /// The data root (`ROOT/networks/<name>/`).
    public let root: SpinRoot
    /// The registry, for the VMs' reservations.
    public let registry: any RegistryStore
    /// `ip` and `nft`.
    public let host: HostNetworking
    /// The dnsmasq executable.
    public let dnsmasq: String
    /// The systemd units that run the networks' dnsmasq processes, when the VMs' supervisor
    /// is systemd; nil: spin starts dnsmasq itself and restarts a dead one whenever a command
    /// touches the network (``create(_:renewLease:)``, ``syncHosts(_:)``).
    public let units: DnsmasqUnits?

    /// Every action the agent serves, for building the broker's ``ActionCatalog``.
    public static let actionTypes: [any BrokerAction.Type] = [
        CreateNetworkAction.self, DeleteNetworkAction.self, SyncNetworkHostsAction.self,
    ]

    /// Creates the agent.
    public init(root: SpinRoot, registry: any RegistryStore, host: HostNetworking = HostNetworking(), dnsmasq: String = "/usr/sbin/dnsmasq", units: DnsmasqUnits? = nil) {
        self.root = root
        self.registry = registry
        self.host = host
        self.dnsmasq = dnsmasq
        self.units = units
    }

    /// The dispatch table.
    public var actions: ActionTable {
        var table = ActionTable()
        let agent = self
        table.on(CreateNetworkAction.self) { parameters, context in
            let network = try parameters.network()
            try await agent.lock(network.name).withLock {
                // A create whose network was forgotten meanwhile (deleted, or its creation
                // undone) is superseded: making it now would leave what no record names.
                guard let recorded = try? await agent.registry.network(network.name), recorded.subnet == network.subnet,
                    recorded.bridge == network.bridge, recorded.nat == network.nat, recorded.dnsDomain == network.dnsDomain
                else { return }
                try await agent.create(network, renewLease: context.renewLease)
            }
        }
        table.on(DeleteNetworkAction.self) { parameters, context in
            let network = try parameters.network()
            try await agent.lock(network.name).withLock { try await agent.delete(network, renewLease: context.renewLease) }
        }
        table.on(SyncNetworkHostsAction.self) { parameters, _ in
            let network = try parameters.network()
            try await agent.lock(network.name).withLock { try await agent.syncHosts(network) }
        }
        return table
    }

    /// The lock that serializes the actions on network `name` across processes and runners
    /// (`ROOT/locks/network-<name>`): a create and a delete of one network never interleave.
    func lock(_ name: String) -> VMLock { VMLock(path: root.path + "/locks/network-" + name) }

    /// The interface alias that marks a bridge as this root's network `name`.
    public func mark(for name: String) -> String {
        "spin:" + String(VM.macSalt(root.path) & 0xFFFF_FFFF, radix: 16) + ":" + name
    }

    /// The nftables table of the network on `bridge` (bridge names are unique per host).
    public static func tableName(bridge: String) -> String { "spin_" + bridge.replacingOccurrences(of: "-", with: "_") }

    /// Makes everything the network needs that is missing; leaves what is there.
    /// An external network (the operator's bridge) needs nothing: spin leaves it alone.
    public func create(_ network: Network, renewLease: @Sendable () async throws -> Void = {}) async throws {
        guard !network.external else { return }
        guard getuid() == 0 else {
            throw SpinError(.failedPrecondition, "managed networks need root (spin creates a bridge, runs dnsmasq and sets nftables rules); run spin as root, e.g. with sudo")
        }
        let paths = NetworkPaths(root: root, name: network.name)
        try makeDirectory(paths.directory)
        try await ensureBridge(network)
        try await writeHosts(network, paths: paths)
        try await ensureDnsmasq(network, paths: paths)
        if network.nat { try await ensureNAT(network, paths: paths) }
    }

    /// Removes everything spin made for the network; what is already gone is skipped.
    /// An external network's bridge is the operator's: nothing is removed.
    public func delete(_ network: Network, renewLease: @Sendable () async throws -> Void = {}) async throws {
        guard !network.external else { return }
        let paths = NetworkPaths(root: root, name: network.name)
        try await renewLease()
        try await units?.remove(network: network.name)
        try await stopDnsmasq(paths: paths)
        try await removeNAT(network)
        try await removeBridge(network)
        try removeDirectory(paths)
    }

    /// Rewrites the reservations and tells a running dnsmasq to re-read them. A dnsmasq found
    /// dead (its pidfile checked against `/proc`) means the network needs looking after: all
    /// that is missing is made again, as ``create(_:renewLease:)`` does (after a host restart
    /// the bridge is gone too, and dnsmasq cannot bind without it).
    public func syncHosts(_ network: Network) async throws {
        guard !network.external else { return }
        let paths = NetworkPaths(root: root, name: network.name)
        guard FileManager.default.fileExists(atPath: paths.directory) else { return }
        try await writeHosts(network, paths: paths)
        if let pid = runningDnsmasq(paths: paths) {
            kill(pid, SIGHUP)
        } else if getuid() == 0 {
            try await create(network)
        }
    }

    /// The reservations of every VM with a NIC on `network`, by VM id.
    func hosts(of network: Network) async throws -> [DnsmasqConfig.Host] {
        try await registry.listVMs().flatMap { vm in
            vm.networks.filter { $0.network == network.name }.compactMap { nic in
                guard let mac = nic.macAddress, let address = nic.address else { return nil }
                return DnsmasqConfig.Host(macAddress: mac, address: address, hostname: vm.hostname)
            }
        }
    }

    /// The unprivileged user dnsmasq drops to (nil: none on this host, dnsmasq keeps spin's).
    static let dnsmasqUser = "nobody"

    /// Makes `ROOT/networks/<name>` (0755) and lets dnsmasq's user, which re-reads the host
    /// files after SIGHUP, search the root and `networks` (an ACL entry, as for the qemu user).
    func makeDirectory(_ path: String) throws {
        let networks = (path as NSString).deletingLastPathComponent
        for directory in [networks, path] where !FileManager.default.fileExists(atPath: directory) {
            guard mkdir(directory, 0o755) == 0 || errno == EEXIST else {
                throw SpinError(.actionFailed, "cannot create \(directory): \(String(cString: strerror(errno)))")
            }
        }
        if getuid() == 0, let user = QemuUser.lookup(name: Self.dnsmasqUser) {
            for directory in [root.path, networks] { try QemuFileGrants.grant(directory, user: user, PosixACL.execute) }
        }
    }

    /// Removes the network's directory with every file in it. All of them are spin's: the
    /// ones ``NetworkPaths`` names and what a delivery killed inside ``writeFile(_:_:)`` left
    /// (`<file>.tmp`) — a fixed list of names missed those, and the directory outlived the
    /// delete. A directory that cannot be removed fails the delete, so it is retried.
    func removeDirectory(_ paths: NetworkPaths) throws {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: paths.directory)) ?? []
        for entry in entries { unlink(paths.directory + "/" + entry) }
        guard rmdir(paths.directory) == 0 || errno == ENOENT else {
            throw SpinError(.actionFailed, "cannot remove \(paths.directory): \(String(cString: strerror(errno))); remove what is in it and delete the network again")
        }
    }

    /// Writes `contents` to `path` by rename, unless it already holds exactly that.
    func writeFile(_ path: String, _ contents: String) throws {
        let data = Data(contents.utf8)
        if FileManager.default.contents(atPath: path) == data { return }
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o644]) else {
            throw SpinError(.actionFailed, "cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            throw SpinError(.actionFailed, "cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))")
        }
    }

    func writeHosts(_ network: Network, paths: NetworkPaths) async throws {
        let hosts = try await hosts(of: network)
        try writeFile(paths.dhcpHosts, DnsmasqConfig.dhcpHosts(hosts))
        try writeFile(paths.names, DnsmasqConfig.names(hosts))
    }
}
