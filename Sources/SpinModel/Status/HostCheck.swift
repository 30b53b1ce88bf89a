/// One finding about the host that runs the VMs: `spin doctor` prints them, `GET /v1/host`
/// returns them.
public struct HostCheck: Codable, Sendable, Equatable {
    /// What was checked: `qemu`, `qemu-img`, `accelerator`, `supervisor`, `store`, `runtime`,
    /// `qemu-user`.
    public var name: String
    /// Whether it is fine.
    public var ok: Bool
    /// What was found.
    public var detail: String
    /// How to fix it, when not fine.
    public var fix: String?

    /// Creates a finding.
    public init(name: String, ok: Bool, detail: String, fix: String? = nil) {
        self.name = name
        self.ok = ok
        self.detail = detail
        self.fix = fix
    }
}
