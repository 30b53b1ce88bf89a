import Foundation
import SpinStore

extension Registry {
    /// Records a new VM and the images its spec asks to create, in one transaction.
    ///
    /// The VM gets its MAC address here, from its new id (``VM/derivedMACAddress(id:salt:)``).
    /// Validation runs first, then every conflict is looked for before anything is written:
    /// a taken name, a host port another VM forwards, an image attached to another VM, a
    /// missing volume or image, an image to create that already exists.
    /// - Returns: the VM with its new id; its new images are attached to it.
    /// - Throws: ``SpinError`` `invalidArgument` (listing every problem), `conflict` or
    ///   `notFound`; the store is then unchanged.
    @discardableResult
    public func createVM(_ spec: VMSpec) throws -> VM {
        try createVM(spec) { _, _ in }.vm
    }

    /// Creates a VM like ``createVM(_:)`` and runs `alongside` in the same write transaction
    /// (for instance to submit the package that creates its files), so both commit or neither.
    public func createVM<R>(_ spec: VMSpec, alongside: (VM, WriteTransaction) throws -> R) throws -> (vm: VM, result: R) {
        try ValidationProblem.check(spec.validate())
        let now = Date()
        return try writing { txn, t in
            var vm = VM(id: 0, spec: spec, createdAt: now)
            vm.id = (try txn.currentSequence(for: t.vms)) + 1
            vm.macAddress = VM.derivedMACAddress(id: vm.id, salt: VM.macSalt(store.path))
            vm = try Self.save(vm, previous: nil, newImages: spec.newImages, salt: VM.macSalt(store.path), txn, t)
            let id = try txn.nextSequence(for: t.vms)
            guard id == vm.id else {
                throw SpinError(.internal, "VM id sequence moved during a write transaction (\(vm.id) → \(id))")
            }
            return (vm, try alongside(vm, txn))
        }
    }

    /// The VM named by `ref`: its id in decimal (`"12"`) or its name (`"web"`).
    /// - Throws: ``SpinError`` `notFound`.
    public func vm(_ ref: String) throws -> VM {
        try reading { txn, t in try Self.resolveVM(ref, txn, t) }
    }

    /// The VM with `id`.
    /// - Throws: ``SpinError`` `notFound`.
    public func vm(id: UInt64) throws -> VM {
        try vm(String(id))
    }

    /// Every VM, ordered by id.
    ///
    /// Records are compact binary, and the registry remembers decoded VMs together with their
    /// stored bytes, so a repeated listing decodes only the VMs that changed since.
    public func listVMs() throws -> [VM] {
        var scan = vmCache.startScan()
        let result = try reading { txn, t -> [VM] in
            guard let t else { return [] }
            var result: [VM] = []
            result.reserveCapacity(try txn.count(in: t.vms))
            try txn.forEach(in: t.vms) { key, value in
                let id = key.count == 8 ? UInt64(bigEndian: key.loadUnaligned(as: UInt64.self)) : 0
                result.append(try scan.vm(id: id, bytes: value))
                return true
            }
            return result
        }
        vmCache.finish(scan, seen: result.map(\.id))
        return result
    }

    /// Changes the VM named by `ref` with `change`, then revalidates it, rechecks conflicts
    /// (ignoring the VM itself), bumps `updatedAt` and rewrites its indexes and images' links.
    ///
    /// Disks added by `change` must name existing, free images; disks it removes free their
    /// images. `createdAt` is kept whatever `change` does to it. `change` runs inside the write
    /// transaction and may run more than once (when the store grows its map), so it must only
    /// change the VM it is given.
    /// - Throws: ``SpinError`` `invalidArgument` when `change` alters the id or leaves the VM
    ///   invalid, `conflict`, `notFound`, or what `change` throws; the store is then unchanged.
    @discardableResult
    public func updateVM(_ ref: String, _ change: (inout VM) throws -> Void) throws -> VM {
        try writing { txn, t in
            let previous = try Self.resolveVM(ref, txn, t)
            var vm = previous
            try change(&vm)
            try RegistryRules.stampUpdate(&vm, previous: previous)
            return try Self.save(vm, previous: previous, newImages: [], salt: VM.macSalt(store.path), txn, t)
        }
    }

    /// Removes the VM named by `ref` and its indexes, and frees its images (their records
    /// stay; deleting image files is the caller's business).
    /// - Returns: the VM as it was.
    /// - Throws: ``SpinError`` `notFound`.
    @discardableResult
    public func deleteVM(_ ref: String) throws -> VM {
        try writing { txn, t in
            let vm = try Self.resolveVM(ref, txn, t)
            try Self.remove(vm, txn, t)
            return vm
        }
    }
}
