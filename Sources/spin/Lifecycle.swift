import SpinCore

/// What the lifecycle commands share: run an action on one VM under a progress line, then
/// print its new live status.
enum Lifecycle {
    /// Runs `action` on the VM `ref` and prints the VM with its status afterwards.
    static func perform(
        _ global: GlobalOptions, _ ref: String, verb: String,
        _ action: @escaping (Spin, String) async throws -> Void
    ) async throws {
        let result = try await global.withSpin { spin in
            let vm = try spin.vm(ref)
            try await Progress.during("\(verb) \(vm.name)", global) { _ in try await action(spin, String(vm.id)) }
            return VMWithStatus(vm: vm, status: try? await spin.status(String(vm.id)))
        }
        try Output.emit(global, result) {
            "VM \(result.vm.id) (\(result.vm.name)) is \(VMText.state(result.status))"
        }
    }
}
