import Foundation
import SpinModel

/// What a VM's cloud-init NoCloud seed says: its identity, its default user and that user's
/// SSH keys, or the user's own user-data, and optionally its network configuration.
///
/// ```swift
/// let seed = try CloudInitSeed(instanceID: "spin-1-a3f9", hostname: "web",
///                              authorizedKeys: ["ssh-ed25519 AAAA… spin"])
/// seed.metaDataFile  // instance-id: "spin-1-a3f9"\nlocal-hostname: "web"\n
/// seed.userDataFile  // #cloud-config\nusers:\n  - name: "spin" …
/// try await CloudInitSeedWriter().write(seed, to: "/var/lib/spin/vms/1/seed.iso")
/// ```
///
/// cloud-init runs its per-instance modules (users, keys, host name) again whenever the
/// instance id changes: keep it stable for a VM and give a clone a new one.
public struct CloudInitSeed: Sendable, Equatable, Codable {
    /// The name of the default user spin creates when no user-data of the user's own is given.
    public static let defaultUserName = "spin"

    /// cloud-init's instance id (`meta-data`'s `instance-id`).
    public var instanceID: String
    /// The guest's host name (`local-hostname`).
    public var hostname: String
    /// The default user made by the generated user-data (sudo without password, no password
    /// login).
    public var userName: String
    /// OpenSSH public keys (one line each) authorized for the default user.
    public var authorizedKeys: [String]
    /// The user's own user-data, written verbatim instead of the generated one (e.g. a
    /// `#cloud-config` file). The authorized keys then go into `meta-data`'s `public-keys`,
    /// which cloud-init gives to the distribution's default user.
    public var userData: String?
    /// The `network-config` file, if any.
    public var networkConfig: CloudInitNetworkConfig?
    /// virtiofs shares the guest mounts at every boot (through `vendor-data`, so user-data of
    /// the user's own keeps them unless it sets `bootcmd` itself).
    public var mounts: [Mount] = []
    /// DNS servers the guest asks first (a managed network's dnsmasq, so VMs find each other
    /// by name): written to `/etc/resolv.conf` at every boot and prepended in dhclient's
    /// configuration, so a DHCP lease on another NIC keeps them first.
    public var resolvers: [String] = []
    /// Gateways of default routes (metric 200, after the DHCP NIC's) added at every boot with
    /// `ip route replace` — Debian's ifupdown renderer of `network-config` routes calls
    /// `route`, which a minimal system lacks, and a second `gateway` would fail its `ifup`.
    public var defaultRoutes: [String] = []

    /// One virtiofs share to mount: `mount -t virtiofs [-o ro] TAG PATH`.
    public struct Mount: Sendable, Equatable, Codable {
        /// The share's tag (``SharedFolder/tag(index:)``).
        public var tag: String
        /// The guest directory (made when missing).
        public var path: String
        /// Whether it is mounted read-only.
        public var readOnly: Bool

        /// Creates a mount.
        public init(tag: String, path: String, readOnly: Bool) {
            self.tag = tag
            self.path = path
            self.readOnly = readOnly
        }
    }

    /// Creates a seed after checking every field.
    /// - Throws: ``SpinError`` `.invalidArgument` naming the field and what it accepts.
    public init(
        instanceID: String, hostname: String, userName: String = CloudInitSeed.defaultUserName,
        authorizedKeys: [String] = [], userData: String? = nil, networkConfig: CloudInitNetworkConfig? = nil,
        mounts: [Mount] = [], resolvers: [String] = [], defaultRoutes: [String] = []
    ) throws {
        self.instanceID = instanceID
        self.hostname = hostname
        self.userName = userName
        self.authorizedKeys = authorizedKeys
        self.userData = userData
        self.networkConfig = networkConfig
        self.mounts = mounts
        self.resolvers = resolvers.filter { IPv4Subnet.parseAddress($0) != nil }
        self.defaultRoutes = defaultRoutes.filter { IPv4Subnet.parseAddress($0) != nil }
        try validate()
    }

    /// Checks every field (also for a value decoded from storage).
    /// - Throws: ``SpinError`` `.invalidArgument`.
    public func validate() throws {
        func invalid(_ message: String) -> SpinError { SpinError(.invalidArgument, message) }
        if !Self.isValidInstanceID(instanceID) {
            throw invalid("cloud-init instance id \"\(instanceID)\" must be 1…128 letters, digits, '.', '_' or '-'")
        }
        if !Self.isValidHostname(hostname) {
            throw invalid("host name \"\(hostname)\" is not valid: use labels of letters, digits and '-' (1…63 each, not starting or ending with '-'), joined by '.', 253 characters at most")
        }
        if !Self.isValidUserName(userName) {
            throw invalid("user name \"\(userName)\" is not valid: start with a lowercase letter or '_', then lowercase letters, digits, '_' or '-', 32 characters at most")
        }
        for key in authorizedKeys where key.trimmingCharacters(in: .whitespaces).isEmpty || key.contains(where: \.isNewline) {
            throw invalid("an SSH public key must be one non-empty line, like \"ssh-ed25519 AAAA… user@host\"")
        }
        if let userData, userData.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw invalid("user-data is empty; give a file that starts with #cloud-config, or leave it out")
        }
        for mount in mounts {
            let problems = SharedFolder(hostPath: "/", guestPath: mount.path).validate()
            if let problem = problems.first { throw invalid("mount \(mount.tag): \(problem.message)") }
            if !mount.tag.utf8.allSatisfy({ Self.isAlphanumeric($0) }) || !(1...36).contains(mount.tag.utf8.count) {
                throw invalid("mount tag \"\(mount.tag)\" must be 1…36 letters and digits")
            }
        }
        if case .custom(let text) = networkConfig, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw invalid("network-config is empty; give a file with \"version: 2\", or leave it out")
        }
    }

    /// Letters, digits, `.`, `_`, `-`; 1…128 characters (cloud-init makes a directory of it).
    public static func isValidInstanceID(_ text: String) -> Bool {
        (1...128).contains(text.utf8.count) && text != "." && text != ".."
            && text.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// An RFC 1123 host name: dot-separated labels of ASCII letters, digits and inner `-`.
    public static func isValidHostname(_ text: String) -> Bool {
        guard (1...253).contains(text.utf8.count) else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            let bytes = Array(label.utf8)
            guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
            return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// A portable Linux user name: `[a-z_][a-z0-9_-]{0,31}`.
    public static func isValidUserName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= 32 else { return false }
        func lower(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
        func digit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        return (lower(first) || first == UInt8(ascii: "_"))
            && bytes.allSatisfy { lower($0) || digit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
