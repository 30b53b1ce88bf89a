import SpinAPI
import SpinCore

/// `/v1/vms/{ref}/images`: a VM's drives — list, attach (optionally creating the image) and
/// detach by index.
extension APIHandler {
    func listVMImages(_ input: Operations.ListVMImages.Input) async throws -> Operations.ListVMImages.Output {
        let vm = try await call { try await spin.vm(input.path.ref) }
        return .ok(.init(body: .json(vm.storage.map(Components.Schemas.StorageAttachment.init))))
    }

    func attachVMImage(_ input: Operations.AttachVMImage.Input) async throws -> Operations.AttachVMImage.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the attachment as JSON") }
        let vm = try await call {
            try await spin.attachStorage(vm: input.path.ref, body.attachment.model(), newImage: body.newImage?.model())
        }
        return .ok(.init(body: .json(.init(vm))))
    }

    func detachVMImage(_ input: Operations.DetachVMImage.Input) async throws -> Operations.DetachVMImage.Output {
        let vm = try await call { try await spin.detachStorage(vm: input.path.ref, index: input.path.index) }
        return .ok(.init(body: .json(.init(vm))))
    }
}
