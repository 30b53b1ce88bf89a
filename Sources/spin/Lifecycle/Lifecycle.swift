import SpinCore

/// What the lifecycle commands share: run an action on one VM under a progress line, then
/// print the live status it returned.
enum Lifecycle {
    /// Runs `action` on the VM `ref` and prints the VM with its status afterwards.
    static func perform(
        _ global: GlobalOptions, _ ref: String, verb: String,
        _ action: @escaping (any SpinService, String) async throws -> VMStatus
    ) async throws {
        let result = try await global.withBackend { backend in
            let vm = try await backend.vm(ref)
            let status = try await Progress.during("\(verb) \(vm.name)", global) { _ in try await action(backend, String(vm.id)) }
            return VMWithStatus(vm: vm, status: status)
        }
        try Output.emit(global, result) {
            "VM \(result.vm.id) (\(result.vm.name)) is \(VMText.state(result.status))"
        }
    }
}
