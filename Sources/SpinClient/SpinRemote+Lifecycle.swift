import SpinAPI
import SpinModel

/// Power actions and live status, named like the facade's methods. Each waits for the
/// action to finish, like the facade.
extension SpinRemote {
    /// Starts a VM (``Spin/startVM(_:)``).
    @discardableResult
    public func startVM(_ ref: String) async throws -> VMStatus {
        try await call { try await client.startVM(path: .init(ref: ref)).ok.body.json.model() }
    }

    /// Powers a VM off, forcing it after the timeout (``Spin/stopVM(_:timeoutSeconds:)``).
    @discardableResult
    public func stopVM(_ ref: String, timeoutSeconds: Int? = nil) async throws -> VMStatus {
        try ServiceLimits.checkStopTimeout(timeoutSeconds)
        return try await call { try await client.stopVM(path: .init(ref: ref), query: .init(timeoutSeconds: timeoutSeconds)).ok.body.json.model() }
    }

    /// Asks the guest to power off (``Spin/shutdownVM(_:timeoutSeconds:)``).
    @discardableResult
    public func shutdownVM(_ ref: String, timeoutSeconds: Int? = nil) async throws -> VMStatus {
        try ServiceLimits.checkShutdownTimeout(timeoutSeconds)
        return try await call { try await client.shutdownVM(path: .init(ref: ref), query: .init(timeoutSeconds: timeoutSeconds)).ok.body.json.model() }
    }

    /// Stops and starts a VM (``Spin/restartVM(_:timeoutSeconds:)``).
    @discardableResult
    public func restartVM(_ ref: String, timeoutSeconds: Int? = nil) async throws -> VMStatus {
        try ServiceLimits.checkStopTimeout(timeoutSeconds)
        return try await call { try await client.restartVM(path: .init(ref: ref), query: .init(timeoutSeconds: timeoutSeconds)).ok.body.json.model() }
    }

    /// Freezes a VM (``Spin/pauseVM(_:)``).
    @discardableResult
    public func pauseVM(_ ref: String) async throws -> VMStatus {
        try await call { try await client.pauseVM(path: .init(ref: ref)).ok.body.json.model() }
    }

    /// Unfreezes a VM (``Spin/resumeVM(_:)``).
    @discardableResult
    public func resumeVM(_ ref: String) async throws -> VMStatus {
        try await call { try await client.resumeVM(path: .init(ref: ref)).ok.body.json.model() }
    }

    /// A VM's live status (``Spin/status(_:)``).
    public func status(_ ref: String) async throws -> VMStatus {
        try await call { try await client.getVMStatus(path: .init(ref: ref)).ok.body.json.model() }
    }
}
