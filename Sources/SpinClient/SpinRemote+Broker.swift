import Foundation
import SpinAPI
import SpinModel

/// The broker over HTTP, named like ``Broker``'s methods: enough for a program on another
/// host to submit packages, or to serve a resource queue (see ``RemoteAgentRunner``).
extension SpinRemote {
    /// Opens an empty package (``Broker/newPackage()``).
    public func newPackage() async throws -> UInt64 {
        try await call { UInt64(clamping: try await client.newPackage().created.body.json.id) }
    }

    /// Adds a command to an open package (``Broker/add(_:to:)``).
    @discardableResult
    public func add(_ command: CommandDraft, to package: UInt64) async throws -> UUID {
        try await call {
            let id = try await client.addCommand(path: .init(id: Int64(clamping: package)), body: .json(.init(command))).created.body.json.id
            guard let uuid = UUID(uuidString: id) else { throw SpinError(.internal, "the server answered a command id that is not a UUID: \(id)") }
            return uuid
        }
    }

    /// Hands a package to the agents (``Broker/enqueue(_:)``).
    @discardableResult
    public func enqueue(_ package: UInt64) async throws -> PackageStatus {
        try await call { try await client.enqueuePackage(path: .init(id: Int64(clamping: package))).ok.body.json.model() }
    }

    /// Adds `commands` to a new package and enqueues it (``Broker/submit(_:)``).
    public func submit(_ commands: [CommandDraft]) async throws -> UInt64 {
        let package = try await newPackage()
        for command in commands { try await add(command, to: package) }
        try await enqueue(package)
        return package
    }

    /// A package and its commands (``Broker/status(package:)``).
    public func status(package: UInt64) async throws -> PackageStatus {
        try await call { try await client.getPackage(path: .init(id: Int64(clamping: package))).ok.body.json.model() }
    }

    /// Waits until a package finishes (``Broker/waitForPackage(_:timeout:)``); `.timeout` after `timeoutSeconds`.
    public func waitForPackage(_ package: UInt64, timeoutSeconds: Int = 3600) async throws -> PackageStatus {
        try ServiceLimits.checkPackageWait(timeoutSeconds)
        return try await call {
            try await client.waitForPackage(path: .init(id: Int64(clamping: package)), query: .init(timeoutSeconds: timeoutSeconds)).ok.body.json.model()
        }
    }

    /// Leases the next ready command of `resource`, long-polling up to `waitSeconds`
    /// (``Broker/next(resource:lease:wait:)``); nil when none came.
    public func next(resource: String, leaseSeconds: Int = 30, waitSeconds: Int = 0) async throws -> Lease? {
        try await call { () async throws -> Lease? in
            switch try await client.nextCommand(path: .init(resource: resource), query: .init(leaseSeconds: leaseSeconds, waitSeconds: waitSeconds)) {
            case .ok(let ok): return try ok.body.json.model()
            case .noContent(_): return nil
            case .default(let status, let error):
                let body = try error.body.json.error
                throw SpinError(SpinError.Code(name: body.code.rawValue) ?? .internal, "HTTP \(status): \(body.message)")
            }
        }
    }

    /// Extends a lease (``Broker/renew(_:for:)``); `.failedPrecondition` when it was lost.
    public func renew(_ lease: Lease, leaseSeconds: Int = 30) async throws -> Lease {
        try await call {
            try await client.renewLease(
                path: .init(id: lease.command.id.uuidString), body: .json(.init(token: lease.token.uuidString, leaseSeconds: leaseSeconds))
            ).ok.body.json.model()
        }
    }

    /// Hands a lease back so the command is ready again at once (``Broker/release(_:)``).
    /// - Returns: whether the lease was still held and is now released.
    @discardableResult
    public func release(_ lease: Lease) async throws -> Bool {
        try await call {
            try await client.releaseLease(path: .init(id: lease.command.id.uuidString), body: .json(.init(token: lease.token.uuidString))).ok.body.json.changed
        }
    }

    /// Records the outcome of a leased command (``Broker/complete(_:success:reason:errorCode:)``).
    @discardableResult
    public func complete(_ lease: Lease, success: Bool, reason: String? = nil, errorCode: String? = nil) async throws -> Bool {
        try await complete(lease.command.id, token: lease.token, success: success, reason: reason, errorCode: errorCode)
    }

    /// Records a command's outcome, with or without the lease token.
    @discardableResult
    public func complete(_ id: UUID, token: UUID? = nil, success: Bool, reason: String? = nil, errorCode: String? = nil) async throws -> Bool {
        let body = Components.Schemas.Completion(success: success, token: token?.uuidString, reason: reason, errorCode: errorCode)
        return try await call { try await client.completeCommand(path: .init(id: id.uuidString), body: .json(body)).ok.body.json.changed }
    }

    /// One command (``Broker/command(_:)``).
    public func command(_ id: UUID) async throws -> CommandRecord {
        try await call { try await client.getCommand(path: .init(id: id.uuidString)).ok.body.json.model() }
    }
}
