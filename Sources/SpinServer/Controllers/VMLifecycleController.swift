import SpinAPI
import SpinCore

/// `/v1/vms/{ref}/…`: start, stop, shutdown, restart, pause, resume and live status. Each
/// action waits for its package and answers with the VM's status afterwards.
extension APIHandler {
    func startVM(_ input: Operations.StartVM.Input) async throws -> Operations.StartVM.Output {
        .ok(try await act(input.path.ref) { try await spin.startVM($0) })
    }

    func stopVM(_ input: Operations.StopVM.Input) async throws -> Operations.StopVM.Output {
        .ok(try await act(input.path.ref) { try await spin.stopVM($0, timeoutSeconds: input.query.timeoutSeconds) })
    }

    func shutdownVM(_ input: Operations.ShutdownVM.Input) async throws -> Operations.ShutdownVM.Output {
        .ok(try await act(input.path.ref) { try await spin.shutdownVM($0, timeoutSeconds: input.query.timeoutSeconds) })
    }

    func restartVM(_ input: Operations.RestartVM.Input) async throws -> Operations.RestartVM.Output {
        .ok(try await act(input.path.ref) { try await spin.restartVM($0, timeoutSeconds: input.query.timeoutSeconds) })
    }

    func pauseVM(_ input: Operations.PauseVM.Input) async throws -> Operations.PauseVM.Output {
        .ok(try await act(input.path.ref) { try await spin.pauseVM($0) })
    }

    func resumeVM(_ input: Operations.ResumeVM.Input) async throws -> Operations.ResumeVM.Output {
        .ok(try await act(input.path.ref) { try await spin.resumeVM($0) })
    }

    func getVMStatus(_ input: Operations.GetVMStatus.Input) async throws -> Operations.GetVMStatus.Output {
        .ok(try await act(input.path.ref) { try await spin.status($0) })
    }

    /// Runs an action on a VM (by id, so a rename in between cannot redirect it) and answers
    /// with the live status it returns.
    private func act(_ ref: String, _ action: @Sendable (String) async throws -> VMStatus) async throws -> Components.Responses.Status {
        let status = try await call { try await action(String(try spin.vm(ref).id)) }
        return .init(body: .json(.init(status)))
    }
}
