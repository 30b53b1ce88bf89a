import SpinQemu

/// What spin learns about the host by probing, cached in the data root
/// (``HostFactsCache``) so that commands do not spawn qemu or read `/proc/cpuinfo` to learn it
/// again: the emulator's version, whether it has the seccomp sandbox, and which accelerator
/// `auto` picks and why.
public struct HostFacts: Codable, Sendable, Equatable {
    /// What these facts were probed under.
    public var key: HostFactsKey
    /// The accelerator `auto` resolves to (`kvm` or `tcg`).
    public var autoAccelerator: String
    /// Why, in plain words.
    public var autoAcceleratorReason: String
    /// `qemu-system-x86_64 -version`, e.g. `7.2.22 (Debian 1:7.2+dfsg-7+deb12u18)`; nil until
    /// a command needed it.
    public var qemuVersion: String?
    /// Whether `-sandbox` is available; nil until a command needed it (a start).
    public var sandbox: Bool?

    /// The choice for `requested`: explicit choices as asked, `auto` from the facts.
    public func choice(_ requested: Accelerator) -> AcceleratorProbe.Choice {
        guard requested == .auto else { return AcceleratorProbe().choose(requested) }
        return AcceleratorProbe.Choice(accelerator: Accelerator(rawValue: autoAccelerator) ?? .tcg, reason: autoAcceleratorReason)
    }
}
