import Foundation

/// Where a package is in its life.
public enum PackageState: String, Codable, Sendable {
    /// Commands may still be added; nothing runs.
    case open
    /// Handed to the queues; commands run as their dependencies allow.
    case enqueued
    /// Every command succeeded.
    case succeeded
    /// A command failed (its dependents were cancelled); see `failure`.
    case failed

    /// Whether the package will not change state again.
    public var isTerminal: Bool { self == .succeeded || self == .failed }
}

/// The command that made a package fail, and why.
public struct PackageFailure: Codable, Sendable, Equatable {
    /// The failed command.
    public var command: UUID
    /// Its `resource.action`.
    public var action: String
    /// The agent's reason.
    public var reason: String
    /// The ``SpinError/Code`` name of the failure, when the agent reported one.
    public var errorCode: String?

    /// Creates the value from each of its fields.
    package init(command: UUID, action: String, reason: String, errorCode: String? = nil) {
        self.command = command
        self.action = action
        self.reason = reason
        self.errorCode = errorCode
    }
}

/// A package as the broker stores it.
public struct PackageRecord: Codable, Sendable, Equatable, Identifiable {
    /// The package's id (a store sequence).
    public var id: UInt64
    /// Its state.
    public var state: PackageState
    /// How many commands it holds (``Broker/status(package:)`` lists them).
    public var commandCount: Int
    /// Commands not yet in a terminal state.
    public var remaining: Int
    /// The first command that failed.
    public var failure: PackageFailure?
    /// When it was created, enqueued and finished.
    public var createdAt: Date
    public var enqueuedAt: Date?
    public var finishedAt: Date?

    /// Creates the value from each of its fields.
    package init(id: UInt64, state: PackageState, commandCount: Int, remaining: Int, failure: PackageFailure? = nil, createdAt: Date, enqueuedAt: Date? = nil, finishedAt: Date? = nil) {
        self.id = id
        self.state = state
        self.commandCount = commandCount
        self.remaining = remaining
        self.failure = failure
        self.createdAt = createdAt
        self.enqueuedAt = enqueuedAt
        self.finishedAt = finishedAt
    }
}

/// A package with every command's current state: what `spin package status` shows.
public struct PackageStatus: Codable, Sendable, Equatable {
    /// The package.
    public var package: PackageRecord
    /// Its commands, in the order they were added, with live lease state.
    public var commands: [CommandRecord]

    /// Creates the value from each of its fields.
    package init(package: PackageRecord, commands: [CommandRecord]) {
        self.package = package
        self.commands = commands
    }
}

/// A command to add to a package: what to do and what it waits for.
public struct CommandDraft: Sendable {
    /// The command's id, chosen by the caller so later commands can depend on it.
    public var id: UUID
    /// The resource queue.
    public var resource: String
    /// The action.
    public var action: String
    /// The parameters, as JSON.
    public var parameters: JSONValue
    /// Ids of earlier commands of the same package that must succeed first.
    public var dependencies: [UUID]

    /// A command from untyped parts (the CLI's and the HTTP API's form).
    public init(id: UUID = UUID(), resource: String, action: String, parameters: JSONValue, dependencies: [UUID] = []) {
        self.id = id
        self.resource = resource
        self.action = action
        self.parameters = parameters
        self.dependencies = dependencies
    }

    /// A typed command.
    public init<A: BrokerAction>(id: UUID = UUID(), _ action: A.Type, _ parameters: A.Parameters, dependencies: [UUID] = []) throws {
        self.init(id: id, resource: A.resource, action: A.action, parameters: try JSONValue(encoding: parameters), dependencies: dependencies)
    }
}

/// A command handed to an agent, with the lease that lets it run.
public struct Lease: Sendable, Equatable {
    /// The command.
    public var command: CommandRecord
    /// Identifies this delivery; renewals must present it.
    public var token: UUID
    /// When the lease runs out and the command becomes ready again.
    public var expiresAt: Date

    package init(command: CommandRecord, token: UUID, expiresAt: Date) {
        self.command = command
        self.token = token
        self.expiresAt = expiresAt
    }
}

extension Lease {
    /// A lease received from elsewhere (a remote broker over HTTP).
    public static func received(command: CommandRecord, token: UUID, expiresAt: Date) -> Lease {
        Lease(command: command, token: token, expiresAt: expiresAt)
    }
}
