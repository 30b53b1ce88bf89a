import Foundation
import ServiceLifecycle
import SpinAPI
import SpinCore

/// `/v1/queues/{resource}/next` and `/v1/commands/{id}`: what a remote agent needs — lease the
/// next command with a long poll, renew the lease, complete the command, or hand it back.
extension APIHandler {
    func nextCommand(_ input: Operations.NextCommand.Input) async throws -> Operations.NextCommand.Output {
        let leaseSeconds = input.query.leaseSeconds ?? 30
        let waitSeconds = input.query.waitSeconds ?? 0
        guard (1...3600).contains(leaseSeconds), (0...120).contains(waitSeconds) else {
            throw SpinError(.invalidArgument, "leaseSeconds must be 1 to 3600 and waitSeconds 0 to 120")
        }
        let lease = try await call { () async throws -> Lease? in
            do {
                // A graceful shutdown does not wait out the long poll: no command, at once.
                return try await cancelWhenGracefulShutdown {
                    try await spin.broker.next(resource: input.path.resource, lease: .seconds(leaseSeconds), wait: .seconds(waitSeconds))
                }
            } catch is CancellationError {
                return nil
            }
        }
        guard let lease else { return .noContent(.init()) }
        return .ok(.init(body: .json(try await call { try Components.Schemas.Lease(lease) })))
    }

    func getCommand(_ input: Operations.GetCommand.Input) async throws -> Operations.GetCommand.Output {
        let record = try await call {
            try await Components.Schemas.CommandRecord(spin.broker.command(Self.commandID(input.path.id)))
        }
        return .ok(.init(body: .json(record)))
    }

    func completeCommand(_ input: Operations.CompleteCommand.Input) async throws -> Operations.CompleteCommand.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the outcome as JSON") }
        let changed = try await call {
            let id = try Self.commandID(input.path.id)
            guard let token = body.token else {
                return try await spin.broker.complete(id, success: body.success, reason: body.reason, errorCode: body.errorCode)
            }
            let lease = await Lease.received(command: try spin.broker.command(id), token: try Self.commandID(token, field: "token"), expiresAt: Date())
            return try await spin.broker.complete(lease, success: body.success, reason: body.reason, errorCode: body.errorCode)
        }
        return .ok(.init(body: .json(.init(changed: changed))))
    }

    func renewLease(_ input: Operations.RenewLease.Input) async throws -> Operations.RenewLease.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the lease token as JSON") }
        let seconds = body.leaseSeconds ?? 30
        guard (1...3600).contains(seconds) else { throw SpinError(.invalidArgument, "leaseSeconds \(seconds) is out of range; give 1 to 3600") }
        let renewed = try await call {
            let id = try Self.commandID(input.path.id)
            let lease = await Lease.received(command: try spin.broker.command(id), token: try Self.commandID(body.token, field: "token"), expiresAt: Date())
            return try await Components.Schemas.Lease(spin.broker.renew(lease, for: .seconds(seconds)))
        }
        return .ok(.init(body: .json(renewed)))
    }

    func releaseLease(_ input: Operations.ReleaseLease.Input) async throws -> Operations.ReleaseLease.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the lease token as JSON") }
        let changed = try await call {
            let id = try Self.commandID(input.path.id)
            let lease = await Lease.received(command: try spin.broker.command(id), token: try Self.commandID(body.token, field: "token"), expiresAt: Date())
            return try await spin.broker.release(lease)
        }
        return .ok(.init(body: .json(.init(changed: changed))))
    }

    /// A command id (or lease token) from the request.
    static func commandID(_ text: String, field: String = "command id") throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw SpinError(.invalidArgument, "\(field) \"\(text)\" is not a UUID")
        }
        return id
    }
}
