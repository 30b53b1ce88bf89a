/// The confinement of a VM's unit when qemu runs as another user than spin: the user, and
/// exactly the files it may reach. Rendered by ``UnitFile/rendered()`` as `User=`/`Group=`, a
/// fixed set of hardening directives (read-only system, private `/tmp`, empty home
/// directories, no devices but the ones named, no capabilities, no new privileges, kernel
/// tunables, modules, logs and clock protected, only unix and IP sockets) and bind mounts that
/// bring back just the VM's own files — so a path under `/tmp`, `/var/tmp`, `/home` or `/root`
/// is visible to qemu only if it is one of them.
///
/// `ExecStartPre=` and `ExecStop=` are spin's own commands: they run with full privileges
/// (the `+` prefix), outside the sandbox.
public struct UnitSandbox: Sendable, Hashable {
    /// `User=`.
    public var user: String
    /// `Group=`.
    public var group: String
    /// Files and directories qemu reads and writes (`BindPaths=`): disk images, the serial log,
    /// the runtime directory.
    public var writablePaths: [String]
    /// Files qemu only reads (`BindReadOnlyPaths=`): CD-ROMs, kernel, initrd.
    public var readOnlyPaths: [String]
    /// Those of ``writablePaths`` that `ExecStartPre=` makes (the runtime directory, the serial
    /// log): bound with `-`, since systemd sets up the namespace before `ExecStartPre=` runs
    /// and a missing source would fail it (after a host restart `/run` is empty).
    public var madeAtStart: Set<String>
    /// Devices qemu may open (`DeviceAllow=`, with `DevicePolicy=closed`), e.g. `/dev/kvm rw`.
    public var devices: [String]

    /// Creates a sandbox.
    public init(user: String, group: String, writablePaths: [String], readOnlyPaths: [String], madeAtStart: Set<String> = [], devices: [String] = ["/dev/kvm rw"]) {
        self.madeAtStart = madeAtStart
        self.user = user
        self.group = group
        self.writablePaths = writablePaths
        self.readOnlyPaths = readOnlyPaths
        self.devices = devices
    }

    /// The hardening directives, the same for every VM.
    static let hardening = [
        "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=tmpfs", "PrivateTmp=yes",
        "PrivateMounts=yes", "DevicePolicy=closed", "ProtectKernelTunables=yes", "ProtectKernelModules=yes",
        "ProtectControlGroups=yes", "ProtectClock=yes", "ProtectHostname=yes",
        "ProtectProc=invisible", "ProcSubset=pid", "RestrictNamespaces=yes", "RestrictRealtime=yes",
        "RestrictSUIDSGID=yes", "LockPersonality=yes", "RemoveIPC=yes", "KeyringMode=private",
        "CapabilityBoundingSet=", "AmbientCapabilities=", "SystemCallArchitectures=native",
        "SystemCallFilter=~@clock @cpu-emulation @debug @module @mount @obsolete @privileged @raw-io @reboot @resources @swap", "SystemCallErrorNumber=EPERM",
        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", "UMask=0077",
    ]

    /// The `[Service]` lines.
    func lines() throws(SpinError) -> [String] {
        var lines = [
            "User=" + (try Self.name(user, field: "User")),
            "Group=" + (try Self.name(group, field: "Group")),
        ]
        lines += Self.hardening
        for device in devices {
            lines.append("DeviceAllow=" + (try UnitFileSyntax.plainValue(device, field: "DeviceAllow")))
        }
        for path in writablePaths {
            lines.append("BindPaths=" + (madeAtStart.contains(path) ? "-" : "") + (try Self.pathWord(path, field: "BindPaths")))
        }
        for path in readOnlyPaths { lines.append("BindReadOnlyPaths=" + (try Self.pathWord(path, field: "BindReadOnlyPaths"))) }
        return lines
    }

    /// A path as one `BindPaths=` source: systemd unquotes it and splits it at `:`, so
    /// backslashes, colons, whitespace and quotes get a backslash, and `%` is doubled.
    static func pathWord(_ path: String, field: String) throws(SpinError) -> String {
        guard path.utf8.first == UInt8(ascii: "/") else {
            throw SpinError(.invalidArgument, "\(field) path \"\(path)\" must be absolute")
        }
        var word = ""
        for scalar in path.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                throw SpinError(.invalidArgument, "\(field) path \(path.debugDescription) contains a control character, which a unit file cannot hold; rename it")
            }
            switch scalar {
            case "%": word += "%%"
            case "\\", ":", " ", "\"", "'": word += "\\" + String(scalar)
            default: word.unicodeScalars.append(scalar)
            }
        }
        return word
    }

    private static func name(_ name: String, field: String) throws(SpinError) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.".unicodeScalars)
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(allowed.contains) else {
            throw SpinError(.invalidArgument, "\(field) \"\(name)\" is not a user or group name systemd accepts; use letters, digits, _, - or .")
        }
        return name
    }
}
