import Foundation
import SpinModel

extension Components.Schemas.PackageStatus {
    /// The wire form of a package and its commands.
    public init(_ status: PackageStatus) throws { self = try Convert.transcode(status) }
    /// The SDK's package status.
    public func model() throws -> PackageStatus { try Convert.transcode(self) }
}

extension Components.Schemas.CommandRecord {
    /// The wire form of a command.
    public init(_ command: CommandRecord) throws { self = try Convert.transcode(command) }
    /// The SDK's command record.
    public func model() throws -> CommandRecord { try Convert.transcode(self) }
}

extension Components.Schemas.Lease {
    /// The wire form of a lease.
    public init(_ lease: Lease) throws {
        self.init(command: try .init(lease.command), token: lease.token.uuidString, expiresAt: lease.expiresAt)
    }

    /// The SDK's lease.
    public func model() throws -> Lease {
        Lease.received(command: try command.model(), token: try Convert.uuid(token, field: "token"), expiresAt: expiresAt)
    }
}

extension Components.Schemas.CommandDraft {
    /// The wire form of a command draft.
    /// - Throws: ``SpinError`` `.invalidArgument` for a resource or action the API does not know.
    public init(_ draft: CommandDraft) throws {
        guard let resource = ResourcePayload(rawValue: draft.resource), let action = ActionPayload(rawValue: draft.action) else {
            throw SpinError(.invalidArgument, "unknown action \(draft.resource).\(draft.action); the API takes storage and emulation actions")
        }
        self.init(
            id: draft.id.uuidString, resource: resource, action: action,
            parameters: .init(additionalProperties: try Convert.container(draft.parameters)),
            dependencies: draft.dependencies.map(\.uuidString))
    }

    /// The SDK's command draft (a new id when none is given).
    public func model() throws -> CommandDraft {
        CommandDraft(
            id: try id.map { try Convert.uuid($0, field: "id") } ?? UUID(), resource: resource.rawValue, action: action.rawValue,
            parameters: try Convert.json(parameters.additionalProperties),
            dependencies: try (dependencies ?? []).map { try Convert.uuid($0, field: "dependencies[]") })
    }
}
