/// Internal snapshots of a running QEMU's disks. Block nodes are named by their node names
/// (`query-block`'s `inserted.node-name`).
extension QMPClient {
    /// `snapshot-save`: saves the guest's memory and device state into `vmstate` and snapshots
    /// every node of `devices` as `tag`, all as the job `jobID`; waits for it (see
    /// ``runJob(_:arguments:jobID:)``). The guest is paused while its memory is written.
    public func saveSnapshot(tag: String, vmstate: String, devices: [String], jobID: String) async throws {
        try await runJob("snapshot-save", arguments: [
            "job-id": .string(jobID), "tag": .string(tag), "vmstate": .string(vmstate),
            "devices": .array(devices.map(JSON.string)),
        ], jobID: jobID)
    }

    /// `snapshot-load`: reverts every node of `devices` to `tag` and loads the memory and
    /// device state stored in `vmstate`, as the job `jobID`.
    public func loadSnapshot(tag: String, vmstate: String, devices: [String], jobID: String) async throws {
        try await runJob("snapshot-load", arguments: [
            "job-id": .string(jobID), "tag": .string(tag), "vmstate": .string(vmstate),
            "devices": .array(devices.map(JSON.string)),
        ], jobID: jobID)
    }

    /// `snapshot-delete`: deletes `tag` from every node of `devices` that holds it, as the job
    /// `jobID`.
    public func deleteSnapshot(tag: String, devices: [String], jobID: String) async throws {
        try await runJob("snapshot-delete", arguments: [
            "job-id": .string(jobID), "tag": .string(tag), "devices": .array(devices.map(JSON.string)),
        ], jobID: jobID)
    }

    /// A disk-only snapshot `name` of every node of `devices` in one `transaction` of
    /// `blockdev-snapshot-internal-sync` actions: QEMU takes all of them or none.
    public func snapshotDisks(name: String, devices: [String]) async throws {
        let actions: [JSON] = devices.map { device in
            ["type": "blockdev-snapshot-internal-sync", "data": ["device": .string(device), "name": .string(name)]]
        }
        try await execute("transaction", arguments: ["actions": .array(actions)])
    }

    /// The internal snapshots of every inserted medium, by node name, with the medium's file
    /// (`query-block`, whose image information QEMU reads afresh on each call).
    public func blockSnapshots() async throws -> [QMPBlockSnapshots] {
        let devices = try await execute("query-block").arrayValue ?? []
        return devices.compactMap { device in
            guard let inserted = device["inserted"], let node = inserted["node-name"]?.stringValue,
                let file = inserted["file"]?.stringValue
            else { return nil }
            let snapshots = (inserted["image"]?["snapshots"]?.arrayValue ?? []).compactMap { try? $0.decode(QemuImageSnapshot.self) }
            return QMPBlockSnapshots(
                device: device["device"]?.stringValue ?? "", nodeName: node, file: file,
                driver: inserted["drv"]?.stringValue ?? "", readOnly: inserted["ro"]?.boolValue ?? false, snapshots: snapshots)
        }
    }
}

/// One inserted medium of a running QEMU and its internal snapshots.
public struct QMPBlockSnapshots: Sendable, Equatable {
    /// The block backend's name (`disk0`, `pflash1`; empty for anonymous ones).
    public var device: String
    /// The format node's name, as snapshot commands take it.
    public var nodeName: String
    /// The image file.
    public var file: String
    /// The format driver, e.g. `qcow2`.
    public var driver: String
    /// Whether the medium is read-only.
    public var readOnly: Bool
    /// Its internal snapshots.
    public var snapshots: [QemuImageSnapshot]
}
