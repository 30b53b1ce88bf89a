import Foundation

/// A named point-in-time copy of every writable disk of a VM (its qcow2 disks and, for a UEFI
/// VM, its variable store), optionally with the guest's memory and device state.
///
/// The registry keeps one record per snapshot; the disks hold the data (qcow2 internal
/// snapshots named ``name``). JSON: `{"vmID":3,"name":"before-upgrade","createdAt":…,
/// "memory":false,"state":"ready","disks":[{"name":"vol1/web.qcow2","diskBytes":…,"vmStateBytes":0}]}`.
public struct Snapshot: Sendable, Codable, Equatable, Hashable {
    /// Where a snapshot is in its life; only `ready` snapshots can be reverted to.
    public enum State: String, Sendable, Codable, CaseIterable, Hashable {
        /// Recorded; its package is putting it on the disks (or undoing a failed attempt).
        case creating
        /// On every disk.
        case ready
        /// Its package is removing it from the disks.
        case deleting
    }

    /// The VM's id.
    public var vmID: UInt64
    /// The snapshot's name, unique per VM (see ``validateName(_:)``).
    public var name: String
    /// When it was requested.
    public var createdAt: Date
    /// Whether it holds the guest's memory (made on a running VM with `--memory`).
    public var memory: Bool
    /// Where it is in its life.
    public var state: State
    /// What each disk holds, filled in once the snapshot is on the disks.
    public var disks: [SnapshotDisk]
    /// In a listing: the VM's disks that do not hold the snapshot now although its record
    /// says it is ready (a disk attached later, or one changed by hand); nil when none or not
    /// checked. Never stored.
    public var missingDisks: [String]?

    /// Creates a record.
    public init(vmID: UInt64, name: String, createdAt: Date = Date(), memory: Bool = false, state: State = .creating, disks: [SnapshotDisk] = []) {
        self.vmID = vmID
        self.name = name
        self.createdAt = createdAt
        self.memory = memory
        self.state = state
        self.disks = disks
    }

    /// The longest snapshot name.
    public static let maxNameLength = 63

    /// Checks a snapshot name: a letter, then letters, digits, `.`, `-` or `_`, at most 63
    /// characters. A name must not look like a number: qemu-img takes a number for a
    /// snapshot's id, so `spin snapshot revert vm 1` could apply another snapshot.
    public static func validateName(_ name: String, field: String = "name") -> [ValidationProblem] {
        var validator = Validator()
        if !Validator.isName(name, allowDots: true) || name.contains("..") {
            validator.add(field, "\(quoted(name)) is not a snapshot name; it must start with a letter and hold only letters, digits, \".\", \"-\" and \"_\" (at most \(maxNameLength) characters), e.g. before-upgrade")
        }
        return validator.problems
    }
}

/// What one disk of a VM holds of a snapshot.
public struct SnapshotDisk: Sendable, Codable, Equatable, Hashable {
    /// The disk: `VOLUME/IMAGE`, or `efivars` for a UEFI VM's variable store.
    public var name: String
    /// Bytes the image file occupied on the host right after the snapshot was taken.
    public var diskBytes: UInt64
    /// Bytes of memory state the disk holds for the snapshot (0 for all disks but one of a
    /// memory snapshot).
    public var vmStateBytes: UInt64

    /// Creates a disk entry.
    public init(name: String, diskBytes: UInt64, vmStateBytes: UInt64 = 0) {
        self.name = name
        self.diskBytes = diskBytes
        self.vmStateBytes = vmStateBytes
    }
}
