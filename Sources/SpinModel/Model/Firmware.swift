/// What the VM boots with: SeaBIOS (qemu's default) or UEFI (OVMF, from Debian's `ovmf`
/// package, with a copy of its variable store per VM kept beside the VM's files).
public enum Firmware: String, Sendable, Codable, Equatable, CaseIterable {
    /// Legacy BIOS (SeaBIOS).
    case bios
    /// UEFI (OVMF).
    case uefi
}
