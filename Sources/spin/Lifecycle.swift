import SpinCore

/// What the lifecycle commands share: run an action on one VM under a progress line, then
/// print its new live status.
enum Lifecycle {
    /// Runs `action` on the VM `ref` and prints the VM with its status afterwards.
    static func perform(
        _ global: GlobalOptions, _ ref: String, verb: String,
        _ action: @escaping (any SpinBackend, String) async throws -> Void
    ) async throws {
        let result = try await global.withBackend { backend in
            let vm = try await backend.vm(ref)
            try await Progress.during("\(verb) \(vm.name)", global) { _ in try await action(backend, String(vm.id)) }
            return VMWithStatus(vm: vm, status: try? await backend.status(String(vm.id)))
        }
        try Output.emit(global, result) {
            "VM \(result.vm.id) (\(result.vm.name)) is \(VMText.state(result.status))"
        }
    }
}
