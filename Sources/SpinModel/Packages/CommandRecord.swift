import Foundation

/// Where a command is in its life.
public enum CommandState: String, Codable, Sendable, CaseIterable {
    /// Added to a package not yet enqueued, or waiting for its dependencies.
    case pending
    /// In its resource's queue, waiting for an agent.
    case ready
    /// Handed to an agent whose lease has not expired.
    case leased
    /// Done.
    case succeeded
    /// The agent reported failure; `reason` says why.
    case failed
    /// Never run, because a command it depends on failed.
    case cancelled

    /// Whether the command will not change state again.
    public var isTerminal: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// One command as the broker stores it.
public struct CommandRecord: Codable, Sendable, Equatable, Identifiable {
    /// The command's id.
    public var id: UUID
    /// The package it belongs to.
    public var package: UInt64
    /// The queue it goes to (`storage`, `emulation`, …).
    public var resource: String
    /// The action within the resource.
    public var action: String
    /// The action's parameters, checked against the catalog when the command was added.
    public var parameters: JSONValue
    /// Commands of the same package that must succeed first.
    public var dependencies: [UUID]
    /// The stored state; `leased` is reported by ``Broker/status(package:)`` from live leases.
    public var state: CommandState
    /// Why it failed or was cancelled.
    public var reason: String?
    /// The ``SpinError/Code`` name of the failure, when the agent reported one.
    public var errorCode: String?
    /// Position in the global queue order (oldest first).
    public var order: UInt64
    /// Dependencies that have not succeeded yet.
    public var unmetDependencies: Int
    /// When the command was added.
    public var createdAt: Date
    /// When it reached a terminal state.
    public var finishedAt: Date?

    /// Creates the value from each of its fields.
    package init(id: UUID, package: UInt64, resource: String, action: String, parameters: JSONValue, dependencies: [UUID], state: CommandState, reason: String? = nil, errorCode: String? = nil, order: UInt64, unmetDependencies: Int, createdAt: Date, finishedAt: Date? = nil) {
        self.id = id
        self.package = package
        self.resource = resource
        self.action = action
        self.parameters = parameters
        self.dependencies = dependencies
        self.state = state
        self.reason = reason
        self.errorCode = errorCode
        self.order = order
        self.unmetDependencies = unmetDependencies
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }
}
