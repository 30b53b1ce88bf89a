/// A VM record with its live status, as `spin vm get` and `GET /v1/vms/{ref}` show it.
public struct VMWithStatus: Codable, Sendable, Equatable {
    /// The registry's record.
    public var vm: VM
    /// The live status; absent when it could not be read.
    public var status: VMStatus?
    /// What the guest agent says, for a running VM (`vm get`; never in lists); nil otherwise.
    public var guest: GuestInfo?

    /// Pairs a record with its status.
    public init(vm: VM, status: VMStatus?, guest: GuestInfo? = nil) {
        self.vm = vm
        self.status = status
        self.guest = guest
    }
}
