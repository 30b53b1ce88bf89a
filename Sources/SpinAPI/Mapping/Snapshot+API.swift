import Foundation
import SpinModel

extension Components.Schemas.Snapshot {
    /// The wire form of a snapshot.
    public init(_ snapshot: Snapshot) {
        self.init(
            vmID: Convert.signed(snapshot.vmID), name: snapshot.name, createdAt: snapshot.createdAt, memory: snapshot.memory,
            state: .init(rawValue: snapshot.state.rawValue) ?? .creating,
            disks: snapshot.disks.map(Components.Schemas.SnapshotDisk.init), missingDisks: snapshot.missingDisks)
    }

    /// The SDK's snapshot.
    public func model() throws -> Snapshot {
        var snapshot = Snapshot(
            vmID: try Convert.unsigned(vmID, field: "vmID"), name: name, createdAt: createdAt, memory: memory,
            state: Snapshot.State(rawValue: state.rawValue) ?? .creating, disks: try disks.map { try $0.model() })
        snapshot.missingDisks = missingDisks
        return snapshot
    }
}

extension Components.Schemas.SnapshotDisk {
    /// The wire form of what a disk holds of a snapshot.
    public init(_ disk: SnapshotDisk) {
        self.init(name: disk.name, diskBytes: Convert.signed(disk.diskBytes), vmStateBytes: Convert.signed(disk.vmStateBytes))
    }

    /// The SDK's form.
    public func model() throws -> SnapshotDisk {
        SnapshotDisk(
            name: name, diskBytes: try Convert.unsigned(diskBytes, field: "diskBytes"),
            vmStateBytes: try Convert.unsigned(vmStateBytes, field: "vmStateBytes"))
    }
}
