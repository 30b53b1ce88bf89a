import ServiceLifecycle
import SpinAPI
import SpinCore

/// `/v1/packages`: the broker's packages — open one, add commands, enqueue, read, await.
extension APIHandler {
    func newPackage(_ input: Operations.NewPackage.Input) async throws -> Operations.NewPackage.Output {
        let id = try await call { try await spin.broker.newPackage() }
        return .created(.init(body: .json(.init(id: Int64(clamping: id)))))
    }

    func getPackage(_ input: Operations.GetPackage.Input) async throws -> Operations.GetPackage.Output {
        .ok(try await packageStatus { try await spin.broker.status(package: Self.packageID(input.path.id)) })
    }

    func addCommand(_ input: Operations.AddCommand.Input) async throws -> Operations.AddCommand.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the command as JSON") }
        let id = try await call { try await spin.addCommand(body.model(), to: Self.packageID(input.path.id)) }
        return .created(.init(body: .json(.init(id: id.uuidString))))
    }

    func enqueuePackage(_ input: Operations.EnqueuePackage.Input) async throws -> Operations.EnqueuePackage.Output {
        .ok(try await packageStatus {
            let id = try Self.packageID(input.path.id)
            try await spin.broker.enqueue(id)
            return try await spin.broker.status(package: id)
        })
    }

    func waitForPackage(_ input: Operations.WaitForPackage.Input) async throws -> Operations.WaitForPackage.Output {
        let seconds = input.query.timeoutSeconds ?? 60
        try ServiceLimits.checkPackageWait(seconds)
        return .ok(try await packageStatus {
            // A graceful shutdown ends the wait (503, retry) instead of waiting for the package.
            try await cancelWhenGracefulShutdown {
                try await spin.broker.waitForPackage(Self.packageID(input.path.id), timeout: .seconds(seconds))
            }
        })
    }

    private func packageStatus(_ body: () async throws -> PackageStatus) async throws -> Components.Responses.PackageStatusResponse {
        let status = try await call { try Components.Schemas.PackageStatus(await body()) }
        return .init(body: .json(status))
    }

    /// A package id from the path: 1 or more.
    static func packageID(_ value: Int64) throws -> UInt64 {
        guard value > 0 else { throw SpinError(.invalidArgument, "package id \(value) is not valid; ids start at 1") }
        return UInt64(value)
    }
}
