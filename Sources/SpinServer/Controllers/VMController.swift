import SpinAPI
import SpinCore

/// `/v1/vms`: create, list, get (with live status), update and delete.
extension APIHandler {
    func listVMs(_ input: Operations.ListVMs.Input) async throws -> Operations.ListVMs.Output {
        let vms = try await call { try await spin.listVMs() }
        return .ok(.init(body: .json(vms.map { Components.Schemas.Vm($0) })))
    }

    func createVM(_ input: Operations.CreateVM.Input) async throws -> Operations.CreateVM.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the VM spec as JSON") }
        let vm = try await call { try await spin.createVM(body.model()) }
        return .created(.init(body: .json(.init(vm))))
    }

    func getVM(_ input: Operations.GetVM.Input) async throws -> Operations.GetVM.Output {
        // The cache middleware computed it already for this request (one agent query, not two).
        if let computed = VMGetComputed.current {
            return .ok(.init(body: .json(.init(computed.vm, status: computed.status, guest: computed.guest))))
        }
        let result = try await call { try await spin.vmWithStatus(input.path.ref) }
        return .ok(.init(body: .json(.init(result.vm, status: result.status, guest: result.guest))))
    }

    func updateVM(_ input: Operations.UpdateVM.Input) async throws -> Operations.UpdateVM.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the changes as JSON") }
        let vm = try await call { try await spin.updateVM(input.path.ref) { try body.apply(to: &$0) } }
        return .ok(.init(body: .json(.init(vm))))
    }

    func deleteVM(_ input: Operations.DeleteVM.Input) async throws -> Operations.DeleteVM.Output {
        try await call { try await spin.deleteVM(input.path.ref) }
        return .noContent(.init())
    }
}
