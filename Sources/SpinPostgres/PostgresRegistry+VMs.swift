import Foundation
import PostgresNIO
import SpinCore
import SpinModel

extension PostgresRegistry {
    /// Records a new VM and the images its spec asks to create, in one transaction; see
    /// ``Registry/createVM(_:)``. The id is drawn once every check has passed, so a refused
    /// create uses none.
    @discardableResult
    public func createVM(_ spec: VMSpec) async throws -> VM {
        try await createVM(spec) { _, _ in true }.vm
    }

    /// Records a VM like ``createVM(_:)`` and runs `alongside` in the same transaction (to
    /// submit the package that realizes it), so both commit or neither.
    public func createVM<R: Sendable>(_ spec: VMSpec, alongside: @escaping @Sendable (VM, PostgresConnection) async throws -> R) async throws -> (vm: VM, result: R) {
        try ValidationProblem.check(spec.validate())
        let now = Date()
        return try await write { c in
            let vm = try await Self.save(VM(id: 0, spec: spec, createdAt: now), previous: nil, newImages: spec.newImages, c)
            return (vm, try await alongside(vm, c))
        }
    }

    /// The VM named by `ref`: its id in decimal (`"12"`) or its name (`"web"`).
    public func vm(_ ref: String) async throws -> VM {
        try await read { c in try await Self.resolveVM(ref, c) }
    }

    /// The VM with `id`.
    public func vm(id: UInt64) async throws -> VM {
        try await vm(String(id))
    }

    /// Every VM, ordered by id.
    public func listVMs() async throws -> [VM] {
        try await read { c in
            let rows = try await c.query("SELECT id, name, body::text FROM registry_vms ORDER BY id", logger: Self.logger)
            var vms: [VM] = []
            for try await (id, name, body) in rows.decode((Int64, String, String).self) {
                var vm = try Self.decode(VM.self, body)
                vm.id = UInt64(id)
                vm.name = name
                vms.append(vm)
            }
            return vms
        }
    }

    /// Changes the VM named by `ref` with `change` (its row locked meanwhile); see
    /// ``Registry/updateVM(_:_:)``.
    @discardableResult
    public func updateVM(_ ref: String, change: @escaping @Sendable (inout VM) throws -> Void) async throws -> VM {
        try await write { c in
            let previous = try await Self.resolveVM(ref, lock: .update, c)
            var vm = previous
            try Self.apply(change, to: &vm)
            try RegistryRules.stampUpdate(&vm, previous: previous)
            return try await Self.save(vm, previous: previous, newImages: [], c)
        }
    }

    /// Removes the VM named by `ref`; its ports, snapshots and addresses go with its row (ON
    /// DELETE CASCADE), its images are freed (SET NULL) and kept.
    @discardableResult
    public func deleteVM(_ ref: String) async throws -> VM {
        try await write { c in
            let vm = try await Self.resolveVM(ref, lock: .update, c)
            try await c.query("DELETE FROM registry_vms WHERE id = \(Int64(clamping: vm.id))", logger: Self.logger)
            return vm
        }
    }
}
