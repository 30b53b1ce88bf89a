import SpinAPI
import SpinCore

/// `/v1/vms/{ref}/clone`: a stopped VM copied under a new name.
extension APIHandler {
    func cloneVM(_ input: Operations.CloneVM.Input) async throws -> Operations.CloneVM.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the clone's name as JSON") }
        let vm = try await call { try await spin.cloneVM(input.path.ref, name: body.name, full: body.full ?? false) }
        return .created(.init(body: .json(.init(vm))))
    }
}
