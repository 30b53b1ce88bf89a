/// UEFI firmware on two pflash devices: the read-only code (OVMF) and the VM's own variable
/// store, a writable copy (kept as qcow2 so that snapshots include it).
public struct QemuFirmware: Sendable, Equatable, Codable {
    /// The firmware code (`OVMF_CODE_4M.fd`), opened read-only.
    public var codePath: String
    /// The VM's variable store.
    public var variablesPath: String
    /// The variable store's format.
    public var variablesFormat: QemuDisk.Format

    /// Creates a UEFI firmware setup.
    public init(codePath: String, variablesPath: String, variablesFormat: QemuDisk.Format = .qcow2) {
        self.codePath = codePath
        self.variablesPath = variablesPath
        self.variablesFormat = variablesFormat
    }

    /// `-drive if=pflash,unit=0,readonly=on,…` for the code and `unit=1` for the variables.
    public func qemuArguments() -> [String] {
        [
            "-drive", QemuOption.list([("if", "pflash"), ("unit", "0"), ("format", "raw"), ("readonly", "on"), ("file", codePath)]),
            "-drive", QemuOption.list([("if", "pflash"), ("unit", "1"), ("format", variablesFormat.rawValue), ("file", variablesPath)]),
        ]
    }
}
