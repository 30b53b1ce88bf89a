import Foundation

/// The facade is the embedded ``SpinService``: most requirements are its own methods; the
/// package calls go to its broker, under the protocol's names.
extension Spin: SpinService {
    /// One VM with its live status and, when it runs, what its guest agent says
    /// (``guestInfo(vmID:status:)``).
    public func vmWithStatus(_ ref: String) async throws -> VMWithStatus {
        let record = try await vm(ref)
        let status = try await emulation.status(record.id)
        return VMWithStatus(vm: record, status: status, guest: await guestInfo(vmID: record.id, status: status))
    }

    /// Opens an empty package (``Broker/newPackage()``).
    public func newPackage() async throws -> UInt64 { try await broker.newPackage() }

    /// Adds a command to an open package.
    public func add(_ command: CommandDraft, to package: UInt64) async throws -> UUID { try await broker.add(command, to: package) }

    /// Hands a package to its queues; returns it as it stands then.
    public func enqueue(_ package: UInt64) async throws -> PackageStatus {
        try await broker.enqueue(package)
        return try await broker.status(package: package)
    }

    /// A package and its commands.
    public func packageStatus(_ package: UInt64) async throws -> PackageStatus { try await broker.status(package: package) }

    /// Waits up to `timeoutSeconds` (0…3600) for a package to finish.
    /// - Throws: ``SpinError`` `.notFound` for an unknown package, `.invalidArgument` for a
    ///   timeout out of range.
    public func waitForPackage(_ package: UInt64, timeoutSeconds: Int) async throws -> PackageStatus {
        try ServiceLimits.checkPackageWait(timeoutSeconds)
        _ = try await broker.status(package: package)
        return try await broker.waitForPackage(package, timeout: .seconds(timeoutSeconds))
    }

    /// Records a command's outcome by hand.
    public func complete(_ command: UUID, success: Bool, reason: String?) async throws {
        try await broker.complete(command, success: success, reason: reason, errorCode: nil)
    }

    /// One command.
    public func command(_ id: UUID) async throws -> CommandRecord { try await broker.command(id) }

    /// Live events from now on (only VM `vm`'s state changes when given).
    public func events(vm: String?) async throws -> AsyncThrowingStream<SpinEvent, any Error> {
        let vmID: UInt64? = if let vm { try await self.vm(vm).id } else { nil }
        let source = events(vmID: vmID)
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: SpinEvent.self)
        let pump = Task {
            for await event in source { continuation.yield(event) }
            continuation.finish()
        }
        continuation.onTermination = { _ in pump.cancel() }
        return stream
    }
}
