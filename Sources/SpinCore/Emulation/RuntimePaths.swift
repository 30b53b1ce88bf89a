import Foundation

/// Where one VM's files live: durable ones under the data root (`vms/<id>/`: serial log,
/// launch description, pidfile) and runtime sockets in a short directory, so unix socket
/// paths stay under the kernel's 108-byte limit.
///
/// The runtime directory is `<base>/<tag>/<id>/`, where `<tag>` is derived from the data root
/// (two roots never share sockets) and `<base>` is `$SPIN_RUNTIME_DIR` if set, else
/// `/run/spin` for root, else `$XDG_RUNTIME_DIR/spin`, else `/tmp/spin-<uid>`. It depends on
/// the root and the user, not on the process, so the CLI, the server and systemd's `ExecStop`
/// all find the same sockets. Before use, ``verify()`` checks that spin's user owns every level
/// and that no one else can write to it (``RuntimeDirectoryCheck``): a directory someone else
/// made first — their `qmp.sock` would otherwise be taken for the VM's — is refused.
public struct RuntimePaths: Sendable, Equatable {
    /// The VM's id.
    public let vmID: UInt64
    /// The VM's durable directory under the data root.
    public let vmDirectory: String
    /// The base of every runtime directory of this user (`/run/spin`, …).
    public let base: String
    /// The data root's directory inside ``base``.
    public let rootDirectory: String
    /// The VM's runtime directory (sockets).
    public let runtimeDirectory: String

    /// Paths for VM `vmID` of `root`.
    /// - Parameter environment: the variables to read; nil reads this process's (only the two
    ///   that matter, with `getenv`: building `ProcessInfo.environment` costs more than all the
    ///   rest of a status check).
    public init(root: SpinRoot, vmID: UInt64, environment: [String: String]? = nil) {
        self.vmID = vmID
        vmDirectory = root.vmDirectory(id: vmID)
        base = Self.base(environment: environment)
        rootDirectory = base + "/" + Self.tag(for: root.path)
        runtimeDirectory = rootDirectory + "/\(vmID)"
    }

    /// The base directory: `$SPIN_RUNTIME_DIR`, `/run/spin` for root, `$XDG_RUNTIME_DIR/spin`,
    /// else `/tmp/spin-<uid>`.
    public static func base(environment: [String: String]? = nil) -> String {
        func variable(_ name: String) -> String? {
            let value = environment.map { $0[name] } ?? getenv(name).map { String(cString: $0) }
            return value.flatMap { $0.isEmpty ? nil : $0 }
        }
        if let explicit = variable("SPIN_RUNTIME_DIR") { return explicit }
        if geteuid() == 0 { return "/run/spin" }
        if let runtime = variable("XDG_RUNTIME_DIR") { return runtime + "/spin" }
        return "/tmp/spin-\(geteuid())"
    }

    /// The QMP socket.
    public var qmpSocket: String { runtimeDirectory + "/qmp.sock" }
    /// The serial console socket.
    public var serialSocket: String { runtimeDirectory + "/serial.sock" }
    /// The VNC socket.
    public var vncSocket: String { runtimeDirectory + "/vnc.sock" }
    /// The guest agent's socket (the host end of the `org.qemu.guest_agent.0` port).
    public var guestAgentSocket: String { runtimeDirectory + "/qga.sock" }
    /// The cloud-init seed image of a VM with cloud-init settings.
    public var seedImage: String { vmDirectory + "/seed.iso" }
    /// The VM's UEFI variable store (qcow2, made from OVMF's template at its first start).
    public var efiVariables: String { vmDirectory + "/efivars.qcow2" }
    /// The vhost-user socket of the virtiofsd serving the VM's share number `index`.
    public func fileShareSocket(_ index: Int) -> String { runtimeDirectory + "/fs\(index).sock" }
    /// The SSH known-hosts file `spin ssh` keeps for the VM.
    public var knownHosts: String { vmDirectory + "/known_hosts" }
    /// The serial console log (kept across runs).
    public var serialLog: String { vmDirectory + "/serial.log" }
    /// qemu's own stderr under the direct supervisor.
    public var qemuLog: String { vmDirectory + "/qemu.log" }
    /// The pidfile under the direct supervisor.
    public var pidFile: String { runtimeDirectory + "/qemu.pid" }
    /// The launch description under the direct supervisor.
    public var launchFile: String { vmDirectory + "/launch.json" }

    /// Creates both directories (mode 0700), the runtime one owned by `qemuUser` when qemu runs
    /// as another user, after checking every level of the runtime directory.
    /// - Throws: ``SpinError`` `.failedPrecondition` for a level someone else owns or may write.
    public func create(qemuUser: QemuUser? = nil) throws {
        try FileManager.default.createDirectory(atPath: vmDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let other = qemuUser.flatMap { $0.isOtherUser ? $0 : nil }
        let check = RuntimeDirectoryCheck(qemuUID: other?.uid)
        // Root's levels can be passed through (not listed) by the qemu user; a user's are private.
        try check.ensure(base, mode: geteuid() == 0 ? 0o711 : 0o700, strictMode: isSharedFallback)
        try check.ensure(rootDirectory, mode: geteuid() == 0 ? 0o711 : 0o700)
        let vmCheck = RuntimeDirectoryCheck(qemuUID: other?.uid, allowAnyQemuOwner: other == nil)
        try vmCheck.ensure(runtimeDirectory, mode: 0o700, owner: other)
    }

    /// Checks the runtime directory's levels that exist, creating nothing.
    /// - Throws: ``SpinError`` `.failedPrecondition` for a level someone else owns or may write.
    public func verify() throws(SpinError) {
        let check = RuntimeDirectoryCheck(qemuUID: nil)
        try check.verify(base, strictMode: isSharedFallback)
        try check.verify(rootDirectory)
        try RuntimeDirectoryCheck(qemuUID: nil, allowAnyQemuOwner: true).verify(runtimeDirectory)
    }

    /// Whether the base is the fallback in the shared `/tmp`, which must be exactly 0700.
    var isSharedFallback: Bool { base == "/tmp/spin-\(geteuid())" }

    /// Removes the runtime directory and the VM directory.
    public func remove() {
        try? FileManager.default.removeItem(atPath: runtimeDirectory)
        try? FileManager.default.removeItem(atPath: vmDirectory)
    }

    /// Eight hex digits of FNV-1a over the root path: short, stable across processes.
    static func tag(for rootPath: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in rootPath.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return String(format: "%08x", hash)
    }
}
