import Foundation
import SpinQemu

/// Snapshot actions: all disks or none, through qemu-img when the VM is stopped and QMP when
/// it runs. They run under the VM's lock (``serialized(_:_:_:)``), so no start or stop happens
/// in between.
extension EmulationAgent {
    /// The files a snapshot of VM `id` covers now (see ``SnapshotTarget/targets(of:images:volumePaths:variableStore:)``).
    public func snapshotTargets(_ vm: VM) async throws -> [SnapshotTarget] {
        var images: [String: Image] = [:]
        var volumePaths: [String: String] = [:]
        for (volume, name) in vm.disks {
            volumePaths[volume] = try await registry.volume(volume).path
            images["\(volume)/\(name)"] = try? await registry.image(volume: volume, name: name)
        }
        let store = paths(vm.id).efiVariables
        let variables = vm.firmware == .uefi && FileManager.default.fileExists(atPath: store) ? store : nil
        return try SnapshotTarget.targets(of: vm, images: images, volumePaths: volumePaths, variableStore: variables)
    }

    /// The QMP job id of snapshot `name`'s save, load or delete.
    static func snapshotJobID(_ name: String) -> String { "spin-snapshot-\(name)" }

    /// Whether VM `id`'s qemu is alive (running, paused or shutting down).
    func isLive(_ id: UInt64) async throws -> Bool {
        let state = try await status(id).state
        return !(state == .stopped || state == .crashed)
    }

    /// `emulation.snapshot_create`: see ``SnapshotCreateAction``.
    public func createSnapshot(_ id: UInt64, name: String) async throws {
        let record: Snapshot
        do {
            record = try await registry.snapshot(vmID: id, name: name)
        } catch let error as SpinError where error.code == .notFound {
            throw SpinError(.failedPrecondition, "snapshot \(quoted(name)) of VM \(id) is no longer recorded (undone or deleted); create it again", cause: error)
        }
        if record.state == .ready { return }
        guard record.state == .creating else {
            throw SpinError(.failedPrecondition, "snapshot \(quoted(name)) of VM \(id) is being deleted; wait for that, then create it again")
        }
        let vm = try await registry.vm(id: id)
        do {
            let targets = try await snapshotTargets(vm)
            let disks: [SnapshotDisk]
            if try await isLive(id) {
                disks = try await createLive(id, name: name, memory: record.memory, targets: targets)
            } else {
                guard !record.memory else {
                    throw SpinError(.failedPrecondition, "VM \(quoted(vm.name)) is stopped, and a memory snapshot needs a running guest; start it with spin start \(vm.name), or snapshot the disks only (without --memory)")
                }
                disks = try await createStopped(name: name, targets: targets)
            }
            try await registry.updateSnapshot(vmID: id, name: name) { snapshot in
                snapshot.state = .ready
                snapshot.disks = disks
            }
        } catch where !(error is CancellationError) && !Task.isCancelled {
            await undoCreate(id, name: name, vm: vm)
            throw error
        }
    }

    /// qemu-img on every target, the disks at once (they are separate files): skips a target
    /// that already holds the snapshot (a redelivery). Every target is tried before the first
    /// failure is thrown, so the caller's undo sees what each one holds.
    private func createStopped(name: String, targets: [SnapshotTarget]) async throws -> [SnapshotDisk] {
        try await Self.eachTarget(targets) { target in
            let img = QemuImg()
            if try await !img.listSnapshots(path: target.path).contains(where: { $0.name == name }) {
                do {
                    try await img.createSnapshot(path: target.path, name: name)
                } catch {
                    throw SpinError(.actionFailed, "snapshot \(quoted(name)) could not be made on disk \(target.label): \(error)", cause: error)
                }
            }
            // A snapshot made with qemu-img holds no memory state.
            return SnapshotDisk(name: target.label, diskBytes: Self.allocatedBytes(target.path))
        }
    }

    /// Runs `body` on every target concurrently and returns the results in target order; when
    /// any fails, waits for all, then throws the first target's error (in target order).
    static func eachTarget<R: Sendable>(_ targets: [SnapshotTarget], _ body: @escaping @Sendable (SnapshotTarget) async throws -> R) async throws -> [R] {
        let outcomes = await withTaskGroup(of: (Int, Result<R, any Error>).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask {
                    do { return (index, .success(try await body(target))) } catch { return (index, .failure(error)) }
                }
            }
            var outcomes: [(Int, Result<R, any Error>)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return try outcomes.map { try $0.get() }
    }

    /// The bytes `path` occupies on the host (what qemu-img calls its actual size), from one
    /// `stat`; 0 when it cannot be read.
    static func allocatedBytes(_ path: String) -> UInt64 {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return UInt64(max(info.st_blocks, 0)) * 512
    }

    /// Removes snapshot `name` from every target that holds it and forgets the record; used
    /// when a create failed. Best effort: what cannot be removed now stays visible in listings.
    private func undoCreate(_ id: UInt64, name: String, vm: VM) async {
        guard let targets = try? await snapshotTargets(vm) else {
            _ = try? await registry.forgetSnapshot(vmID: id, name: name)
            return
        }
        if (try? await isLive(id)) == true {
            try? await deleteLive(id, name: name, targets: targets)
        } else {
            try? await deleteStopped(name: name, targets: targets)
        }
        _ = try? await registry.forgetSnapshot(vmID: id, name: name)
    }

    /// `emulation.snapshot_revert`: see ``SnapshotRevertAction``.
    public func revertSnapshot(_ id: UInt64, name: String) async throws {
        let record = try await registry.snapshot(vmID: id, name: name)
        let vm = try await registry.vm(id: id)
        guard record.state == .ready else {
            throw SpinError(.failedPrecondition, "snapshot \(quoted(name)) of VM \(quoted(vm.name)) is \(record.state.rawValue), not ready; wait for its package (spin snapshot list \(vm.name))")
        }
        let targets = try await snapshotTargets(vm)
        if try await isLive(id) {
            guard record.memory else {
                throw SpinError(.failedPrecondition, "snapshot \(quoted(name)) of VM \(quoted(vm.name)) holds no memory, so a running guest cannot return to it; stop the VM with spin stop \(vm.name), then revert")
            }
            try await revertLive(id, name: name, targets: targets)
            return
        }
        let holding = try await Self.eachTarget(targets) { target in
            try await QemuImg().listSnapshots(path: target.path).contains { $0.name == name }
        }
        if let missing = zip(targets, holding).first(where: { !$0.1 })?.0 {
            throw SpinError(.failedPrecondition, "disk \(missing.label) of VM \(quoted(vm.name)) does not hold snapshot \(quoted(name)) (attached after it was made?); detach that disk, or delete the snapshot")
        }
        _ = try await Self.eachTarget(targets) { target in
            do {
                try await QemuImg().applySnapshot(path: target.path, name: name)
            } catch {
                throw SpinError(.actionFailed, "disk \(target.label) could not return to snapshot \(quoted(name)): \(error); revert again to finish", cause: error)
            }
        }
    }

    /// `emulation.snapshot_delete`: see ``SnapshotDeleteAction``.
    public func deleteSnapshot(_ id: UInt64, name: String) async throws {
        guard (try? await registry.snapshot(vmID: id, name: name)) != nil else { return }
        let vm = try await registry.vm(id: id)
        let targets = try await snapshotTargets(vm)
        if try await isLive(id) {
            try await deleteLive(id, name: name, targets: targets)
        } else {
            try await deleteStopped(name: name, targets: targets)
        }
        try await registry.forgetSnapshot(vmID: id, name: name)
    }

    /// qemu-img `snapshot -d` on every target that holds `name` (every copy of it).
    func deleteStopped(name: String, targets: [SnapshotTarget]) async throws {
        _ = try await Self.eachTarget(targets) { target in
            let img = QemuImg()
            let count = try await img.listSnapshots(path: target.path).filter { $0.name == name }.count
            for _ in 0..<count {
                do {
                    try await img.deleteSnapshot(path: target.path, name: name)
                } catch {
                    throw SpinError(.actionFailed, "snapshot \(quoted(name)) could not be removed from disk \(target.label): \(error); delete it again to finish", cause: error)
                }
            }
        }
    }
}
