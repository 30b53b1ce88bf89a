import Foundation
import SpinCore

/// Embedded mode: the SDK's facade is itself the backend — its methods already carry the
/// protocol's names — so only what the facade keeps elsewhere (the broker) or names otherwise
/// is added here.
extension Spin: SpinBackend {
    func vmWithStatus(_ ref: String) async throws -> VMWithStatus {
        let record = try vm(ref)
        return VMWithStatus(vm: record, status: try await status(String(record.id)))
    }

    func newPackage() async throws -> UInt64 { try broker.newPackage() }
    func add(_ command: CommandDraft, to package: UInt64) async throws -> UUID { try broker.add(command, to: package) }

    func enqueue(_ package: UInt64) async throws -> PackageStatus {
        try broker.enqueue(package)
        return try broker.status(package: package)
    }

    func packageStatus(_ package: UInt64) async throws -> PackageStatus { try broker.status(package: package) }

    func waitForPackage(_ package: UInt64, timeoutSeconds: Int) async throws -> PackageStatus {
        _ = try broker.status(package: package)
        return try await broker.waitForPackage(package, timeout: .seconds(timeoutSeconds))
    }

    func complete(_ command: UUID, success: Bool, reason: String?) async throws {
        try broker.complete(command, success: success, reason: reason)
    }

    func command(_ id: UUID) async throws -> CommandRecord { try broker.command(id) }

    func events(vm: String?) async throws -> AsyncThrowingStream<SpinEvent, any Error> {
        let source = events(vmID: try vm.map { try self.vm($0).id })
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: SpinEvent.self)
        let pump = Task {
            for await event in source { continuation.yield(event) }
            continuation.finish()
        }
        continuation.onTermination = { _ in pump.cancel() }
        return stream
    }

    func hostChecks() async throws -> [Doctor.Check] { await DoctorChecks(root: root).all(openSpin: self) }
}
