import Foundation

/// Where one VM's files live: durable ones under the data root (`vms/<id>/`: serial log,
/// launch description, pidfile) and runtime sockets in a short directory, so unix socket
/// paths stay under the kernel's 108-byte limit.
///
/// The runtime directory is `<base>/spin-<tag>/<id>/`, where `<tag>` is derived from the data
/// root (two roots never share sockets) and `<base>` is `$SPIN_RUNTIME_DIR` if set, else `/run`
/// for root, else `$XDG_RUNTIME_DIR`, else `/tmp`. It depends on the root and the user, not on
/// the process, so the CLI, the server and systemd's `ExecStop` all find the same sockets.
public struct RuntimePaths: Sendable, Equatable {
    /// The VM's id.
    public let vmID: UInt64
    /// The VM's durable directory under the data root.
    public let vmDirectory: String
    /// The VM's runtime directory (sockets).
    public let runtimeDirectory: String

    /// Paths for VM `vmID` of `root`.
    /// - Parameter environment: the variables to read; nil reads this process's (only the two
    ///   that matter, with `getenv`: building `ProcessInfo.environment` costs more than all the
    ///   rest of a status check).
    public init(root: SpinRoot, vmID: UInt64, environment: [String: String]? = nil) {
        self.vmID = vmID
        vmDirectory = root.vmDirectory(id: vmID)
        func variable(_ name: String) -> String? {
            let value = environment.map { $0[name] } ?? getenv(name).map { String(cString: $0) }
            return value.flatMap { $0.isEmpty ? nil : $0 }
        }
        let base: String
        if let explicit = variable("SPIN_RUNTIME_DIR") {
            base = explicit
        } else if getuid() == 0 {
            base = "/run"
        } else {
            base = variable("XDG_RUNTIME_DIR") ?? "/tmp"
        }
        runtimeDirectory = "\(base)/spin-\(RuntimePaths.tag(for: root.path))/\(vmID)"
    }

    /// The QMP socket.
    public var qmpSocket: String { runtimeDirectory + "/qmp.sock" }
    /// The serial console socket.
    public var serialSocket: String { runtimeDirectory + "/serial.sock" }
    /// The VNC socket.
    public var vncSocket: String { runtimeDirectory + "/vnc.sock" }
    /// The serial console log (kept across runs).
    public var serialLog: String { vmDirectory + "/serial.log" }
    /// qemu's own stderr under the direct supervisor.
    public var qemuLog: String { vmDirectory + "/qemu.log" }
    /// The pidfile under the direct supervisor.
    public var pidFile: String { runtimeDirectory + "/qemu.pid" }
    /// The launch description under the direct supervisor.
    public var launchFile: String { vmDirectory + "/launch.json" }

    /// Creates both directories (mode 0700).
    public func create() throws {
        for directory in [vmDirectory, runtimeDirectory] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

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
