import Foundation

/// A change the broker made, for in-process agents and callers awaiting a package.
public enum BrokerEvent: Sendable, Equatable {
    /// A command entered a new state.
    case commandChanged(id: UUID, package: UInt64, resource: String, state: CommandState)
    /// A package was enqueued or finished.
    case packageChanged(id: UInt64, state: PackageState)
}
