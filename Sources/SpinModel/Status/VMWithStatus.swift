/// A VM record with its live status, as `spin vm get` and `GET /v1/vms/{ref}` show it.
public struct VMWithStatus: Codable, Sendable, Equatable {
    /// The registry's record.
    public var vm: VM
    /// The live status; absent when it could not be read.
    public var status: VMStatus?

    /// Pairs a record with its status.
    public init(vm: VM, status: VMStatus?) {
        self.vm = vm
        self.status = status
    }
}
