import ArgumentParser
import Foundation
import SpinCore

/// `spin snapshot …`: snapshots of a VM's disks, with or without its memory.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Create, list, revert and delete snapshots of a VM's disks (and memory).",
        discussion: """
            A snapshot covers every writable qcow2 disk of the VM and, for a UEFI VM, its \
            variable store — all of them or none. Raw disks are refused (convert with spin image \
            copy -f qcow2); CD-ROMs and the cloud-init seed are read-only and left out.
            Example: spin snapshot create web before-upgrade && spin snapshot list web
            """,
        subcommands: [SnapshotCreate.self, SnapshotList.self, SnapshotRevert.self, SnapshotDelete.self]
    )

    /// The text table of `spin snapshot list`.
    static func table(_ snapshots: [Snapshot]) -> String {
        let formatter = ISO8601DateFormatter()
        return Table(headers: ["name", "created", "memory", "state", "disks"], rows: snapshots.map { snapshot in
            var state = snapshot.state.rawValue
            if let missing = snapshot.missingDisks { state += " (missing on \(missing.joined(separator: ",")))" }
            let disks = snapshot.disks.map { disk in
                disk.vmStateBytes > 0 ? "\(disk.name) \(approximate(disk.diskBytes)) (\(approximate(disk.vmStateBytes)) memory)" : "\(disk.name) \(approximate(disk.diskBytes))"
            }
            return [snapshot.name, formatter.string(from: snapshot.createdAt), snapshot.memory ? "yes" : "no", state,
                    disks.isEmpty ? "-" : disks.joined(separator: ", ")]
        }).render()
    }

    /// `1.2 GiB`, `300 MiB`, `12 KiB`: a size for reading, one decimal below 10.
    static func approximate(_ bytes: UInt64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) bytes" }
        return value < 10 ? String(format: "%.1f", value) + " " + units[unit] : "\(Int(value.rounded())) \(units[unit])"
    }
}
