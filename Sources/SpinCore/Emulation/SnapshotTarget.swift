import Foundation

/// One file a VM's snapshots live in: a writable qcow2 disk, or a UEFI VM's variable store.
public struct SnapshotTarget: Sendable, Equatable {
    /// `VOLUME/IMAGE`, or `efivars`.
    public var label: String
    /// The image file's absolute path.
    public var path: String

    /// Creates a target.
    public init(label: String, path: String) {
        self.label = label
        self.path = path
    }

    /// The files of `vm` a snapshot covers, in storage order, then the variable store.
    /// CD-ROMs and the cloud-init seed are read-only and left out; base images are never
    /// attached (an overlay's snapshot is its own), so only the overlay is included.
    /// - Parameters:
    ///   - images: the record of each disk, by `VOLUME/IMAGE`.
    ///   - volumePaths: each volume's directory, by name.
    ///   - variableStore: the VM's `efivars.qcow2` path when it boots with UEFI and it exists.
    /// - Throws: ``SpinError`` `failedPrecondition` naming the first raw disk and the way to
    ///   convert it; `notFound` for a disk without a record.
    public static func targets(of vm: VM, images: [String: Image], volumePaths: [String: String], variableStore: String?) throws -> [SnapshotTarget] {
        var targets: [SnapshotTarget] = []
        for (volume, name) in vm.disks {
            let label = "\(volume)/\(name)"
            guard let image = images[label], let directory = volumePaths[volume] else {
                throw SpinError(.notFound, "disk \(label) of VM \(quoted(vm.name)) has no image record; detach it or recreate it")
            }
            guard image.format == .qcow2 else {
                throw SpinError(.failedPrecondition, "disk \(label) of VM \(quoted(vm.name)) is \(image.format.rawValue), and snapshots need qcow2 on every disk; convert with spin image copy -f qcow2 \(volume) \(name) \(volume) NEW_NAME, attach the copy instead, or detach the disk")
            }
            targets.append(SnapshotTarget(label: label, path: directory + "/" + name))
        }
        if let variableStore { targets.append(SnapshotTarget(label: "efivars", path: variableStore)) }
        return targets
    }
}
