/// Parameters of the snapshot actions: the VM and the snapshot's name. Everything else
/// (with memory or not) is in the snapshot's record, written with the package.
public struct SnapshotActionParameters: Codable, Sendable, Equatable {
    /// The VM's id.
    public var vmID: UInt64
    /// The snapshot's name.
    public var name: String

    /// Creates parameters.
    public init(vmID: UInt64, name: String) {
        self.vmID = vmID
        self.name = name
    }
}

/// `emulation.snapshot_create`: put the recorded snapshot on every writable disk of the VM
/// (qemu-img when stopped, QMP when running), then mark the record `ready` with each disk's
/// sizes. Idempotent: disks that hold it already are skipped, a job a killed process left is
/// awaited. On failure the snapshot is removed from every disk and the record forgotten, so
/// the disks end with the snapshot on all of them or on none.
public enum SnapshotCreateAction: BrokerAction {
    public static let resource = "emulation"
    public static let action = "snapshot_create"
    public typealias Parameters = SnapshotActionParameters
}

/// `emulation.snapshot_revert`: return every disk (and, for a memory snapshot of a running
/// VM, the guest) to the snapshot. Repeating it applies the same state again.
public enum SnapshotRevertAction: BrokerAction {
    public static let resource = "emulation"
    public static let action = "snapshot_revert"
    public typealias Parameters = SnapshotActionParameters
}

/// `emulation.snapshot_delete`: remove the snapshot from every disk that holds it, then forget
/// its record; success when it is already gone.
public enum SnapshotDeleteAction: BrokerAction {
    public static let resource = "emulation"
    public static let action = "snapshot_delete"
    public typealias Parameters = SnapshotActionParameters
}
