import SpinAPI
import SpinCore

/// `POST /v1/vms/{ref}/exec`: a command run in the guest through its agent.
extension APIHandler {
    func execVM(_ input: Operations.ExecVM.Input) async throws -> Operations.ExecVM.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the command as JSON: {\"argv\":[\"uname\",\"-a\"]}") }
        let result = try await call { try await spin.exec(input.path.ref, try body.model()) }
        return .ok(.init(body: .json(.init(result))))
    }
}
