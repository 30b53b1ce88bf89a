import Foundation
import SpinQemu

/// iproute2 and nftables through ``ProcessRunner`` (argv, never a shell), and what the host's
/// links and routes are (`ip -j`). Acts in the network namespace of the calling process.
public struct HostNetworking: Sendable {
    /// The `ip` executable.
    public var ip: String
    /// The `nft` executable.
    public var nft: String

    /// Finds `ip` and `nft` in the usual places (root's PATH may lack `/usr/sbin`).
    public init(ip: String? = nil, nft: String? = nil) {
        self.ip = ip ?? Self.locate("ip")
        self.nft = nft ?? Self.locate("nft")
    }

    static func locate(_ name: String) -> String {
        for directory in ["/usr/sbin", "/sbin", "/usr/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: directory + "/" + name) {
            return directory + "/" + name
        }
        return name
    }

    /// One link as `ip -j -d link` shows it.
    public struct Link: Sendable, Equatable {
        /// The interface name.
        public var name: String
        /// `bridge`, `tun`, … (nil for a plain device).
        public var kind: String?
        /// The master (bridge) it is enslaved to.
        public var master: String?
        /// The interface alias (spin's mark), if any.
        public var alias: String?
        /// Whether it is administratively up.
        public var up: Bool
    }

    /// Every link.
    public func links() async throws -> [Link] {
        let objects = try await json([ip, "-j", "-d", "link", "show"])
        return objects.compactMap { object in
            guard let name = object["ifname"] as? String else { return nil }
            let info = object["linkinfo"] as? [String: Any]
            let flags = object["flags"] as? [String] ?? []
            return Link(name: name, kind: info?["info_kind"] as? String, master: object["master"] as? String,
                        alias: (object["ifalias"] as? String).flatMap { $0.isEmpty ? nil : $0 }, up: flags.contains("UP"))
        }
    }

    /// The link `name`, or nil.
    public func link(_ name: String) async throws -> Link? { try await links().first { $0.name == name } }

    /// One IPv4 route of the main table: destination (`default` or CIDR or address) and device.
    public struct Route: Sendable, Equatable {
        /// `default`, `10.0.0.0/24` or a single address.
        public var destination: String
        /// The output device.
        public var device: String?
    }

    /// The IPv4 routes of the main table.
    public func routes() async throws -> [Route] {
        try await json([ip, "-j", "-4", "route", "show"]).compactMap { object in
            guard let destination = object["dst"] as? String else { return nil }
            return Route(destination: destination, device: object["dev"] as? String)
        }
    }

    /// The first route (not on `ignoringDevice`) whose destination shares an address with `subnet`.
    public func clashingRoute(_ subnet: IPv4Subnet, ignoringDevice: String? = nil) async throws -> Route? {
        try await routes().first { route in
            guard route.device == nil || route.device != ignoringDevice, route.destination != "default" else { return false }
            let text = route.destination.contains("/") ? route.destination : route.destination + "/32"
            let parts = text.split(separator: "/")
            guard parts.count == 2, let address = IPv4Subnet.parseAddress(String(parts[0])), let prefix = Int(parts[1]) else { return false }
            return IPv4Subnet(network: address, prefixLength: prefix).overlaps(subnet)
        }
    }

    /// The IPv4 addresses (`a.b.c.d/n`) on `device`.
    public func addresses(of device: String) async throws -> [String] {
        let objects = try await json([ip, "-j", "-4", "addr", "show", "dev", device])
        return objects.flatMap { object -> [String] in
            (object["addr_info"] as? [[String: Any]] ?? []).compactMap { info in
                guard let local = info["local"] as? String, let prefix = info["prefixlen"] as? Int else { return nil }
                return "\(local)/\(prefix)"
            }
        }
    }

    /// Runs `ip ARGS`.
    public func run(ip arguments: [String]) async throws {
        try await checked([ip] + arguments)
    }

    /// Runs `nft ARGS`; returns whether it succeeded when `check` is false.
    @discardableResult
    public func run(nft arguments: [String], check: Bool = true) async throws -> Bool {
        if check {
            try await checked([nft] + arguments)
            return true
        }
        return (try await ProcessRunner.run(nft, arguments, check: false)).termination == .exited(0)
    }

    private func checked(_ argv: [String]) async throws {
        do {
            _ = try await ProcessRunner.run(argv[0], Array(argv.dropFirst()))
        } catch let error as ProcessRunner.Error {
            throw SpinError(.actionFailed, "\(argv.joined(separator: " ")): \(error)", cause: error)
        }
    }

    private func json(_ argv: [String]) async throws -> [[String: Any]] {
        let result: ProcessResult
        do {
            result = try await ProcessRunner.run(argv[0], Array(argv.dropFirst()))
        } catch let error as ProcessRunner.Error {
            throw SpinError(.unavailable, "\(argv.joined(separator: " ")) failed: \(error); install iproute2 (scripts/install-deps)", cause: error)
        }
        guard !result.standardOutput.isEmpty else { return [] }
        guard let objects = try? JSONSerialization.jsonObject(with: result.standardOutput) as? [[String: Any]] else {
            throw SpinError(.internal, "\(argv.joined(separator: " ")) printed something that is not a JSON list")
        }
        return objects
    }
}
