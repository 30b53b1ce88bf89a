import Foundation
import SpinQemu

/// Snapshots of a running VM, through QMP: `snapshot-save`/`-load`/`-delete` jobs, and a
/// `transaction` of internal disk snapshots for a disk-only snapshot.
extension EmulationAgent {
    /// Each target's block node in the running qemu, matched by file path.
    static func nodes(of targets: [SnapshotTarget], in blocks: [QMPBlockSnapshots]) throws -> [(target: SnapshotTarget, block: QMPBlockSnapshots)] {
        func canonical(_ path: String) -> String { URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
        return try targets.map { target in
            let wanted = canonical(target.path)
            guard let block = blocks.first(where: { $0.file == target.path || canonical($0.file) == wanted }) else {
                throw SpinError(.failedPrecondition, "disk \(target.label) is not open in the running qemu (attached after the start?); restart the VM with spin restart, then snapshot it")
            }
            return (target, block)
        }
    }

    /// Creates snapshot `name` on every target of running VM `id`: with `memory` one
    /// `snapshot-save` job (memory into the first disk), else one atomic transaction while the
    /// guest's filesystems are frozen (through its agent) or, without an agent, its CPUs paused.
    func createLive(_ id: UInt64, name: String, memory: Bool, targets: [SnapshotTarget]) async throws -> [SnapshotDisk] {
        let client = try await control(id)
        defer { client.close() }
        let jobID = Self.snapshotJobID(name)
        try await client.finishJob(jobID)  // a job a killed process left behind
        var nodes = try Self.nodes(of: targets, in: try await client.blockSnapshots())
        let holding = nodes.filter { $0.block.snapshots.contains { $0.name == name } }
        if !holding.isEmpty, holding.count < nodes.count || (memory && !holding.contains { $0.block.snapshots.contains { $0.name == name && $0.vmStateSize > 0 } }) {
            // A partial attempt: start over.
            try await client.deleteSnapshot(tag: name, devices: holding.map(\.block.nodeName), jobID: jobID)
            nodes = try Self.nodes(of: targets, in: try await client.blockSnapshots())
        } else if !holding.isEmpty {
            return describeLive(nodes, name: name)
        }
        guard let first = nodes.first else {
            throw SpinError(.failedPrecondition, "VM \(id) has no writable qcow2 disk to snapshot; attach one first")
        }
        let devices = nodes.map(\.block.nodeName)
        if memory {
            try await client.saveSnapshot(tag: name, vmstate: first.block.nodeName, devices: devices, jobID: jobID)
        } else {
            try await quiesced(id, client: client) {
                try await client.snapshotDisks(name: name, devices: devices)
            }
        }
        return describeLive(try Self.nodes(of: targets, in: try await client.blockSnapshots()), name: name)
    }

    private func describeLive(_ nodes: [(target: SnapshotTarget, block: QMPBlockSnapshots)], name: String) -> [SnapshotDisk] {
        var disks: [SnapshotDisk] = []
        for (target, block) in nodes {
            let vmState = block.snapshots.first { $0.name == name }?.vmStateSize ?? 0
            disks.append(SnapshotDisk(name: target.label, diskBytes: Self.allocatedBytes(target.path), vmStateBytes: vmState))
        }
        return disks
    }

    /// Runs `body` with the guest quiet: its filesystems frozen through the guest agent when
    /// one answers (thawed afterwards, whatever happens), else its CPUs paused (resumed after,
    /// unless it was paused already).
    func quiesced(_ id: UInt64, client: QMPClient, _ body: () async throws -> Void) async throws {
        let agentOpen = (try? await client.queryChardev())?.contains { $0.label == "qga0" && $0.frontendOpen } ?? false
        if agentOpen {
            let access = GuestAgentAccess(root: planner.root, vmID: id)
            let frozen = (try? await access.exchange(lockWait: .seconds(2), syncTimeout: .seconds(1), commandTimeout: .seconds(20)) { agent in
                try await agent.filesystemFreeze()
            }) != nil
            if frozen {
                let result: Result<Void, any Error>
                do { try await body(); result = .success(()) } catch { result = .failure(error) }
                _ = try? await access.exchange(lockWait: .seconds(5), syncTimeout: .seconds(2), commandTimeout: .seconds(20)) { agent in
                    try await agent.filesystemThaw()
                }
                try result.get()
                return
            }
        }
        let wasRunning = try await client.queryStatus().running
        if wasRunning { try await client.stop() }
        let result: Result<Void, any Error>
        do { try await body(); result = .success(()) } catch { result = .failure(error) }
        if wasRunning { try await client.cont() }
        try result.get()
    }

    /// Loads snapshot `name` (disks, memory and devices) into running VM `id`.
    func revertLive(_ id: UInt64, name: String, targets: [SnapshotTarget]) async throws {
        let client = try await control(id)
        defer { client.close() }
        let jobID = Self.snapshotJobID(name)
        try await client.finishJob(jobID)
        let nodes = try Self.nodes(of: targets, in: try await client.blockSnapshots())
        if let missing = nodes.first(where: { !$0.block.snapshots.contains { $0.name == name } }) {
            throw SpinError(.failedPrecondition, "disk \(missing.target.label) does not hold snapshot \(quoted(name)); delete the snapshot, it cannot be reverted to")
        }
        guard let state = nodes.first(where: { $0.block.snapshots.contains { $0.name == name && $0.vmStateSize > 0 } }) else {
            throw SpinError(.failedPrecondition, "no disk holds the memory of snapshot \(quoted(name)); stop the VM with spin stop \(id), then revert its disks")
        }
        let wasRunning = try await client.queryStatus().running
        try await client.loadSnapshot(tag: name, vmstate: state.block.nodeName, devices: nodes.map(\.block.nodeName), jobID: jobID)
        // snapshot-load leaves the guest as it was; a guest that ran keeps running.
        if wasRunning, try await !client.queryStatus().running { try await client.cont() }
    }

    /// Deletes snapshot `name` from every target of running VM `id` that holds it.
    func deleteLive(_ id: UInt64, name: String, targets: [SnapshotTarget]) async throws {
        let client = try await control(id)
        defer { client.close() }
        let jobID = Self.snapshotJobID(name)
        try await client.finishJob(jobID)
        while true {
            let holding = try Self.nodes(of: targets, in: try await client.blockSnapshots())
                .filter { $0.block.snapshots.contains { $0.name == name } }
            if holding.isEmpty { return }
            try await client.deleteSnapshot(tag: name, devices: holding.map(\.block.nodeName), jobID: jobID)
        }
    }
}
