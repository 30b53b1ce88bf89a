import Foundation
import SpinCore

/// The SDK in this process: the store under the data root, and (for commands that change
/// things) the agents that run the actions.
struct EmbeddedBackend: SpinBackend {
    /// The open SDK.
    let spin: Spin

    func createVM(_ spec: VMSpec) async throws -> VM { try await spin.createVM(spec) }

    func vm(_ ref: String) async throws -> VM { try spin.vm(ref) }

    func vmWithStatus(_ ref: String) async throws -> VMWithStatus {
        let record = try spin.vm(ref)
        return VMWithStatus(vm: record, status: try await spin.status(String(record.id)))
    }

    func listVMs() async throws -> [VM] { try spin.listVMs() }
    func statuses(_ vms: [VM]) async -> [UInt64: VMStatus] { await spin.statuses(vms) }
    func updateVM(_ ref: String, _ change: (inout VM) throws -> Void) async throws -> VM { try await spin.updateVM(ref, change) }
    func deleteVM(_ ref: String) async throws { try await spin.deleteVM(ref) }

    func attachStorage(vm ref: String, _ attachment: StorageAttachment, newImage: ImageSpec?) async throws -> VM {
        try await spin.attachStorage(vm: ref, attachment, newImage: newImage)
    }

    func detachStorage(vm ref: String, index: Int) async throws -> VM { try await spin.detachStorage(vm: ref, index: index) }

    func startVM(_ ref: String) async throws { try await spin.startVM(ref) }
    func stopVM(_ ref: String, timeoutSeconds: Int?) async throws { try await spin.stopVM(ref, timeoutSeconds: timeoutSeconds) }
    func shutdownVM(_ ref: String, timeoutSeconds: Int?) async throws { try await spin.shutdownVM(ref, timeoutSeconds: timeoutSeconds) }
    func restartVM(_ ref: String, timeoutSeconds: Int?) async throws { try await spin.restartVM(ref, timeoutSeconds: timeoutSeconds) }
    func pauseVM(_ ref: String) async throws { try await spin.pauseVM(ref) }
    func resumeVM(_ ref: String) async throws { try await spin.resumeVM(ref) }
    func status(_ ref: String) async throws -> VMStatus { try await spin.status(ref) }

    func createVolume(name: String, path: String?) async throws -> Volume { try await spin.createVolume(name: name, path: path) }
    func listVolumes() async throws -> [Volume] { try spin.listVolumes() }
    func volume(_ name: String) async throws -> Volume { try spin.volume(name) }
    func deleteVolume(_ name: String, force: Bool) async throws { try await spin.deleteVolume(name, force: force) }
    func createImage(_ spec: ImageSpec) async throws -> Image { try await spin.createImage(spec) }
    func listImages(volume: String?) async throws -> [Image] { try spin.listImages(volume: volume) }
    func image(volume: String, name: String) async throws -> Image { try spin.image(volume: volume, name: name) }
    func deleteImage(volume: String, name: String) async throws { try await spin.deleteImage(volume: volume, name: name) }

    func copyImage(volume: String, name: String, toVolume: String, toName: String, format: ImageFormat?) async throws -> Image {
        try await spin.copyImage(volume: volume, name: name, toVolume: toVolume, toName: toName, format: format)
    }

    func resizeImage(volume: String, name: String, sizeBytes: UInt64, force: Bool) async throws -> Image {
        try await spin.resizeImage(volume: volume, name: name, sizeBytes: sizeBytes, force: force)
    }

    func moveImage(volume: String, name: String, toVolume: String, toName: String) async throws -> Image {
        try await spin.moveImage(volume: volume, name: name, toVolume: toVolume, toName: toName)
    }

    func newPackage() async throws -> UInt64 { try spin.broker.newPackage() }
    func add(_ command: CommandDraft, to package: UInt64) async throws -> UUID { try spin.broker.add(command, to: package) }

    func enqueue(_ package: UInt64) async throws -> PackageStatus {
        try spin.broker.enqueue(package)
        return try spin.broker.status(package: package)
    }

    func packageStatus(_ package: UInt64) async throws -> PackageStatus { try spin.broker.status(package: package) }

    func waitForPackage(_ package: UInt64, timeoutSeconds: Int) async throws -> PackageStatus {
        _ = try spin.broker.status(package: package)
        return try await spin.broker.waitForPackage(package, timeout: .seconds(timeoutSeconds))
    }

    func complete(_ command: UUID, success: Bool, reason: String?) async throws {
        try spin.broker.complete(command, success: success, reason: reason)
    }

    func command(_ id: UUID) async throws -> CommandRecord { try spin.broker.command(id) }

    func events(vm: String?) async throws -> AsyncThrowingStream<SpinEvent, any Error> {
        let vmID = try vm.map { try spin.vm($0).id }
        let source = spin.events(vmID: vmID)
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: SpinEvent.self)
        let pump = Task {
            for await event in source { continuation.yield(event) }
            continuation.finish()
        }
        continuation.onTermination = { _ in pump.cancel() }
        return stream
    }

    func hostChecks() async throws -> [Doctor.Check] { await DoctorChecks(root: spin.root).all(openSpin: spin) }
}
