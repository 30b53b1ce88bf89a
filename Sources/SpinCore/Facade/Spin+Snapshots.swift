import Foundation
import SpinQemu

extension Spin {
    /// Snapshots every writable disk of a VM (its qcow2 disks and UEFI variable store) as
    /// `name`: with qemu-img when it is stopped, through QMP when it runs. A disk-only snapshot
    /// of a running VM is consistent: the guest's filesystems are frozen through its agent, or
    /// its CPUs paused, around one atomic transaction. With `memory` (running VMs only) the
    /// guest's memory and device state are saved too, so a revert resumes it where it was.
    ///
    /// The record (state `creating`) and the package commit in one transaction, so of two
    /// racing creates of one name exactly one proceeds. If a disk fails, the snapshot is
    /// removed from the others and the record forgotten before the error is thrown.
    /// - Throws: ``SpinError`` `.invalidArgument` (the name), `.notFound` (the VM), `.conflict`
    ///   (the name is taken), `.failedPrecondition` (a raw disk; `memory` on a stopped VM).
    @discardableResult
    public func createSnapshot(vm ref: String, name: String, memory: Bool = false) async throws -> Snapshot {
        try ValidationProblem.check(Snapshot.validateName(name))
        let vm = try await registry.vm(ref)
        _ = try await emulation.snapshotTargets(vm)
        if memory, try await !emulation.isLive(vm.id) {
            throw SpinError(.failedPrecondition, "VM \(quoted(vm.name)) is stopped, and a memory snapshot needs a running guest; start it with spin start \(vm.name), or snapshot the disks only (without --memory)")
        }
        let (_, package) = try await controlPlane.reserveSnapshot(vm: String(vm.id), name: name, memory: memory) { snapshot in
            [try CommandDraft(SnapshotCreateAction.self, .init(vmID: snapshot.vmID, name: name))]
        }
        try await finish(package: package, late: nil)
        return try await registry.snapshot(vmID: vm.id, name: name)
    }

    /// The snapshots of a VM, ordered by name, checked against what its disks hold now
    /// (``Snapshot/missingDisks``): through QMP `query-block` while it runs (qemu-img cannot
    /// open a disk qemu holds), qemu-img when stopped. Never fails because the VM runs or its
    /// disks cannot be read: the records are listed unchecked then.
    public func listSnapshots(vm ref: String) async throws -> [Snapshot] {
        let vm = try await registry.vm(ref)
        var snapshots = try await registry.snapshots(vmID: vm.id)
        guard !snapshots.isEmpty, let held = await heldSnapshots(vm) else { return snapshots }
        for index in snapshots.indices where snapshots[index].state == .ready {
            let missing = held.filter { !$0.names.contains(snapshots[index].name) }.map(\.label)
            snapshots[index].missingDisks = missing.isEmpty ? nil : missing
        }
        return snapshots
    }

    /// Each snapshot target's snapshot names now; nil when they cannot be read.
    private func heldSnapshots(_ vm: VM) async -> [(label: String, names: Set<String>)]? {
        guard let targets = try? await emulation.snapshotTargets(vm) else { return nil }
        if (try? await emulation.isLive(vm.id)) ?? true {
            guard let client = try? await emulation.control(vm.id, retryFor: .milliseconds(200)) else { return nil }
            defer { client.close() }
            guard let blocks = try? await client.blockSnapshots(), let nodes = try? EmulationAgent.nodes(of: targets, in: blocks) else { return nil }
            return nodes.map { ($0.target.label, Set($0.block.snapshots.map(\.name))) }
        }
        var result: [(label: String, names: Set<String>)] = []
        for target in targets {
            guard let list = try? await QemuImg().listSnapshots(path: target.path, forceShare: true) else { return nil }
            result.append((target.label, Set(list.map(\.name))))
        }
        return result
    }

    /// Returns every disk of a VM to snapshot `name`. A stopped VM's disks are reverted with
    /// qemu-img (a memory snapshot's memory is then not loaded: the guest boots from the
    /// disks); a running VM loads a memory snapshot through QMP and continues from it, without
    /// a reboot. A disk-only snapshot cannot be loaded into a running guest: stop it first.
    /// - Throws: ``SpinError`` `.notFound`, `.failedPrecondition` (not ready; disk-only while running).
    @discardableResult
    public func revertSnapshot(vm ref: String, name: String) async throws -> Snapshot {
        let vm = try await registry.vm(ref)
        let snapshot = try await registry.snapshot(vmID: vm.id, name: name)
        guard snapshot.state == .ready else {
            throw SpinError(.failedPrecondition, "snapshot \(quoted(name)) of VM \(quoted(vm.name)) is \(snapshot.state.rawValue), not ready; wait for its package (spin snapshot list \(vm.name))")
        }
        try await run([CommandDraft(SnapshotRevertAction.self, .init(vmID: vm.id, name: name))])
        return snapshot
    }

    /// Deletes snapshot `name` from every disk of a VM, freeing the space only it used, and
    /// forgets its record. The record turns `deleting` with the package's submission, so a
    /// delete killed midway is finished by the package's redelivery.
    /// - Throws: ``SpinError`` `.notFound`, `.conflict` while the snapshot is being created.
    public func deleteSnapshot(vm ref: String, name: String) async throws {
        let vm = try await registry.vm(ref)
        let (_, package) = try await controlPlane.updateSnapshot(vmID: vm.id, name: name, change: { snapshot in
            guard snapshot.state != .creating else {
                throw SpinError(.conflict, "snapshot \(quoted(name)) of VM \(quoted(vm.name)) is being created; wait for that, then delete it")
            }
            snapshot.state = .deleting
        }, submitting: { snapshot in
            [try CommandDraft(SnapshotDeleteAction.self, .init(vmID: snapshot.vmID, name: name))]
        })
        try await finish(package: package, late: nil)
    }
}
