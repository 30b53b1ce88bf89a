import Foundation

/// The kernel's id of the current boot (`/proc/sys/kernel/random/boot_id`), new with every
/// host restart. The direct supervisor records it with a running qemu's identity, so a record
/// left by an earlier boot reads as "stopped (the host restarted)", never as a crash and never
/// as a live process that happens to have the same pid.
///
/// `$SPIN_BOOT_ID_FILE` (or ``SpinOptions/bootIDFile``) names another file to read instead, so
/// tests can simulate a host restart by changing its contents.
public enum BootID {
    /// The kernel's file.
    public static let kernelFile = "/proc/sys/kernel/random/boot_id"
    /// The environment variable that overrides ``kernelFile``.
    public static let overrideVariable = "SPIN_BOOT_ID_FILE"

    /// The current boot id: from `file` when given, else `$SPIN_BOOT_ID_FILE` when set, else
    /// the kernel's; nil when none can be read.
    public static func current(file: String? = nil) -> String? {
        let path = file ?? getenv(overrideVariable).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? kernelFile
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return id.isEmpty ? nil : id
    }
}
