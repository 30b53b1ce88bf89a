import Foundation
import SpinClient
import SpinCore

/// A spin server, through the client generated from the OpenAPI document. The server runs
/// the actions and returns the same ``SpinError`` the SDK would have thrown here.
struct RemoteBackend: SpinBackend {
    /// The server.
    let remote: SpinRemote

    func createVM(_ spec: VMSpec) async throws -> VM { try await remote.createVM(spec) }
    func vm(_ ref: String) async throws -> VM { try await remote.vm(ref) }

    func vmWithStatus(_ ref: String) async throws -> VMWithStatus {
        let (record, status) = try await remote.vmWithStatus(ref)
        return VMWithStatus(vm: record, status: status)
    }

    func listVMs() async throws -> [VM] { try await remote.listVMs() }

    func statuses(_ vms: [VM]) async -> [UInt64: VMStatus] {
        let remote = remote
        return await withTaskGroup(of: (UInt64, VMStatus?).self) { group in
            for vm in vms { group.addTask { (vm.id, try? await remote.status(String(vm.id))) } }
            var result: [UInt64: VMStatus] = [:]
            for await (id, status) in group { if let status { result[id] = status } }
            return result
        }
    }

    func updateVM(_ ref: String, _ change: (inout VM) throws -> Void) async throws -> VM { try await remote.updateVM(ref, change) }
    func deleteVM(_ ref: String) async throws { try await remote.deleteVM(ref) }

    func attachStorage(vm ref: String, _ attachment: StorageAttachment, newImage: ImageSpec?) async throws -> VM {
        try await remote.attachStorage(vm: ref, attachment, newImage: newImage)
    }

    func detachStorage(vm ref: String, index: Int) async throws -> VM { try await remote.detachStorage(vm: ref, index: index) }

    func startVM(_ ref: String) async throws { try await remote.startVM(ref) }
    func serialLog(_ ref: String, from offset: UInt64, maxBytes: Int) async throws -> Data {
        try await remote.serialLog(ref, from: offset, maxBytes: maxBytes)
    }
    func stopVM(_ ref: String, timeoutSeconds: Int?) async throws { try await remote.stopVM(ref, timeoutSeconds: timeoutSeconds) }
    func shutdownVM(_ ref: String, timeoutSeconds: Int?) async throws { try await remote.shutdownVM(ref, timeoutSeconds: timeoutSeconds) }
    func restartVM(_ ref: String, timeoutSeconds: Int?) async throws { try await remote.restartVM(ref, timeoutSeconds: timeoutSeconds) }
    func pauseVM(_ ref: String) async throws { try await remote.pauseVM(ref) }
    func resumeVM(_ ref: String) async throws { try await remote.resumeVM(ref) }
    func status(_ ref: String) async throws -> VMStatus { try await remote.status(ref) }

    func createVolume(name: String, path: String?) async throws -> Volume { try await remote.createVolume(name: name, path: path) }
    func listVolumes() async throws -> [Volume] { try await remote.listVolumes() }
    func volume(_ name: String) async throws -> Volume { try await remote.volume(name) }
    func deleteVolume(_ name: String, force: Bool) async throws -> VolumeDeletion { try await remote.deleteVolume(name, force: force) }
    func createImage(_ spec: ImageSpec) async throws -> Image { try await remote.createImage(spec) }
    func listImages(volume: String?) async throws -> [Image] { try await remote.listImages(volume: volume) }
    func image(volume: String, name: String) async throws -> Image { try await remote.image(volume: volume, name: name) }
    func deleteImage(volume: String, name: String) async throws { try await remote.deleteImage(volume: volume, name: name) }

    func copyImage(volume: String, name: String, toVolume: String, toName: String, format: ImageFormat?) async throws -> Image {
        try await remote.copyImage(volume: volume, name: name, toVolume: toVolume, toName: toName, format: format)
    }

    func resizeImage(volume: String, name: String, sizeBytes: UInt64, force: Bool) async throws -> Image {
        try await remote.resizeImage(volume: volume, name: name, sizeBytes: sizeBytes, force: force)
    }

    func moveImage(volume: String, name: String, toVolume: String, toName: String) async throws -> Image {
        try await remote.moveImage(volume: volume, name: name, toVolume: toVolume, toName: toName)
    }

    func newPackage() async throws -> UInt64 { try await remote.newPackage() }
    func add(_ command: CommandDraft, to package: UInt64) async throws -> UUID { try await remote.add(command, to: package) }
    func enqueue(_ package: UInt64) async throws -> PackageStatus { try await remote.enqueue(package) }
    func packageStatus(_ package: UInt64) async throws -> PackageStatus { try await remote.status(package: package) }

    func waitForPackage(_ package: UInt64, timeoutSeconds: Int) async throws -> PackageStatus {
        try await remote.waitForPackage(package, timeoutSeconds: timeoutSeconds)
    }

    func complete(_ command: UUID, success: Bool, reason: String?) async throws {
        try await remote.complete(command, success: success, reason: reason)
    }

    func command(_ id: UUID) async throws -> CommandRecord { try await remote.command(id) }

    func events(vm: String?) async throws -> AsyncThrowingStream<SpinEvent, any Error> { try await remote.events(vm: vm) }

    func hostChecks() async throws -> [Doctor.Check] {
        let host = try await remote.host()
        let server = Doctor.Check(
            name: "server", ok: true,
            detail: "spin-server \(host.version) at \(remote.endpoint), root \(host.root), supervisor \(host.supervisor.rawValue)", fix: nil)
        return [server] + host.checks.map { check in
            Doctor.Check(name: check.name, ok: check.ok, detail: check.detail, fix: check.ok ? nil : "on the server's host: \(check.detail)")
        }
    }
}
