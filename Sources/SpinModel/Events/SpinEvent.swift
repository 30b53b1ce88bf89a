import Foundation

/// One live event of a spin instance: a VM changed state, or a package or command moved on.
///
/// JSON: `{"kind":"vm.state","time":…,"vmID":1,"state":"running","previousState":"starting"}`,
/// `{"kind":"package","time":…,"package":7,"state":"succeeded"}`,
/// `{"kind":"command","time":…,"package":7,"command":"…uuid…","resource":"emulation","state":"leased"}`.
public struct SpinEvent: Sendable, Codable, Equatable {
    /// What happened.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A VM's live state changed.
        case vmState = "vm.state"
        /// A package was enqueued or finished.
        case package
        /// A command entered a new state.
        case command
    }

    /// What happened.
    public var kind: Kind
    /// When it was seen.
    public var time: Date
    /// The VM, for `vm.state`.
    public var vmID: UInt64?
    /// The new state: a ``VMState``, ``PackageState`` or ``CommandState`` raw value.
    public var state: String
    /// The VM's state before, for `vm.state` (absent the first time a VM is seen).
    public var previousState: String?
    /// The package, for `package` and `command`.
    public var package: UInt64?
    /// The command, for `command`.
    public var command: UUID?
    /// The command's resource queue, for `command`.
    public var resource: String?

    /// Creates an event.
    public init(
        kind: Kind, time: Date = Date(), vmID: UInt64? = nil, state: String, previousState: String? = nil,
        package: UInt64? = nil, command: UUID? = nil, resource: String? = nil
    ) {
        self.kind = kind
        self.time = time
        self.vmID = vmID
        self.state = state
        self.previousState = previousState
        self.package = package
        self.command = command
        self.resource = resource
    }

    /// The event for a broker change.
    public init(_ event: BrokerEvent, time: Date = Date()) {
        switch event {
        case .commandChanged(let id, let package, let resource, let state):
            self.init(kind: .command, time: time, state: state.rawValue, package: package, command: id, resource: resource)
        case .packageChanged(let id, let state):
            self.init(kind: .package, time: time, state: state.rawValue, package: id)
        }
    }
}
