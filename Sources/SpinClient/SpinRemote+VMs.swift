import SpinAPI
import SpinModel

/// VMs, named like the facade's methods.
extension SpinRemote {
    /// Creates a VM (``Spin/createVM(_:)``).
    @discardableResult
    public func createVM(_ spec: VMSpec) async throws -> VM {
        try await call { try await client.createVM(body: .json(.init(spec))).created.body.json.model() }
    }

    /// One VM by id or name (``Spin/vm(_:)``).
    public func vm(_ ref: String) async throws -> VM {
        try await call { try await client.getVM(path: .init(ref: ref)).ok.body.json.model() }
    }

    /// One VM with its live status, in one call.
    public func vmWithStatus(_ ref: String) async throws -> VMWithStatus {
        try await call {
            let wire = try await client.getVM(path: .init(ref: ref)).ok.body.json
            return VMWithStatus(vm: try wire.model(), status: try wire.status?.model(), guest: wire.guest?.model())
        }
    }

    /// Every VM (``Spin/listVMs()``).
    public func listVMs() async throws -> [VM] {
        try await call { try await client.listVMs().ok.body.json.map { try $0.model() } }
    }

    /// Changes a VM's settings (``Spin/updateVM(_:_:)``): `change` runs here on the current
    /// record, and only the settings it changed are sent.
    @discardableResult
    public func updateVM(_ ref: String, _ change: @escaping @Sendable (inout VM) throws -> Void) async throws -> VM {
        let before = try await vm(ref)
        var after = before
        try change(&after)
        guard after.storage == before.storage else {
            throw SpinError(.invalidArgument, "change storage with attachStorage/detachStorage, not updateVM")
        }
        let update = Components.Schemas.VMUpdate(from: before, to: after)
        return try await call {
            try await client.updateVM(path: .init(ref: String(before.id)), body: .json(update)).ok.body.json.model()
        }
    }

    /// Stops and deletes a VM with its disks (``Spin/deleteVM(_:)``).
    public func deleteVM(_ ref: String) async throws {
        try await call { _ = try await client.deleteVM(path: .init(ref: ref)).noContent }
    }

    /// Attaches a drive (``Spin/attachStorage(vm:_:newImage:)``).
    @discardableResult
    public func attachStorage(vm ref: String, _ attachment: StorageAttachment, newImage: ImageSpec? = nil) async throws -> VM {
        let body = Components.Schemas.AttachRequest(attachment: .init(attachment), newImage: newImage.map(Components.Schemas.ImageSpec.init))
        return try await call { try await client.attachVMImage(path: .init(ref: ref), body: .json(body)).ok.body.json.model() }
    }

    /// Detaches the drive at `index` (``Spin/detachStorage(vm:index:)``).
    @discardableResult
    public func detachStorage(vm ref: String, index: Int) async throws -> VM {
        try await call { try await client.detachVMImage(path: .init(ref: ref, index: index)).ok.body.json.model() }
    }

    /// Clones a stopped VM (``Spin/cloneVM(_:name:full:)``).
    @discardableResult
    public func cloneVM(_ ref: String, name: String, full: Bool = false) async throws -> VM {
        let body = Components.Schemas.VMClone(name: name, full: full)
        return try await call { try await client.cloneVM(path: .init(ref: ref), body: .json(body)).created.body.json.model() }
    }

    /// A VM's drives in order.
    public func listStorage(vm ref: String) async throws -> [StorageAttachment] {
        try await call { try await client.listVMImages(path: .init(ref: ref)).ok.body.json.map { try $0.model() } }
    }

    /// Runs a command in a VM's guest (``Spin/exec(_:_:)``); the limits are checked here first.
    public func exec(_ ref: String, _ command: GuestCommand) async throws -> GuestCommandResult {
        try ServiceLimits.checkGuestCommand(command)
        return try await call {
            try await client.execVM(path: .init(ref: ref), body: .json(.init(command))).ok.body.json.model()
        }
    }
}
