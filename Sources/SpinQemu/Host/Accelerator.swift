/// Which hypervisor backend QEMU uses.
public enum Accelerator: String, Sendable, Equatable, CaseIterable, Codable {
    /// Pick KVM where it really works, TCG otherwise (see ``AcceleratorProbe``).
    case auto
    /// Hardware virtualization through `/dev/kvm`.
    case kvm
    /// QEMU's software emulator (works everywhere, slower).
    case tcg

    /// The CPU model that suits this accelerator: `"host"` for KVM, `"max"` otherwise.
    public var defaultCPUModel: String { self == .kvm ? "host" : "max" }
}
