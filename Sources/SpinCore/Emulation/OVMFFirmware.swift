import Foundation

/// Debian's OVMF build (package `ovmf`): the UEFI code, opened read-only, and the template a
/// VM's own variable store is made from.
public struct OVMFFirmware: Sendable, Equatable {
    /// The code (`OVMF_CODE_4M.fd`).
    public var code: String
    /// The empty variable store (`OVMF_VARS_4M.fd`), copied per VM.
    public var variablesTemplate: String

    /// The pairs looked for, in order: the 4 MiB build (Debian 12's default), then the 2 MiB one.
    static let candidates = [
        OVMFFirmware(code: "/usr/share/OVMF/OVMF_CODE_4M.fd", variablesTemplate: "/usr/share/OVMF/OVMF_VARS_4M.fd"),
        OVMFFirmware(code: "/usr/share/OVMF/OVMF_CODE.fd", variablesTemplate: "/usr/share/OVMF/OVMF_VARS.fd"),
    ]

    /// The first installed pair.
    /// - Throws: ``SpinError`` `.failedPrecondition` naming the package when none is.
    public static func locate() throws -> OVMFFirmware {
        let manager = FileManager.default
        guard let found = candidates.first(where: { manager.isReadableFile(atPath: $0.code) && manager.isReadableFile(atPath: $0.variablesTemplate) }) else {
            throw SpinError(.failedPrecondition, "UEFI firmware needs OVMF (\(candidates[0].code)); install Debian's ovmf package (apt-get install ovmf), or use --firmware bios")
        }
        return found
    }
}
