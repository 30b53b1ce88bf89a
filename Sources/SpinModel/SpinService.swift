import Foundation

/// Everything spin does, whichever way it is reached: `Spin` (SpinCore) runs it in this
/// process over the local store and agents; `SpinRemote` (SpinClient) asks a spin server,
/// which runs it with a `Spin`. Both throw the same ``SpinError`` (code and message) for the
/// same request, and the rules that bound a request (``ServiceLimits``) are checked by both
/// before anything is sent or queued, so code written against this protocol behaves the same
/// embedded and remote.
///
/// ```swift
/// func powerCycle(_ service: any SpinService, _ name: String) async throws {
///     try await service.stopVM(name, timeoutSeconds: 10)
///     try await service.startVM(name)
/// }
/// ```
public protocol SpinService: Sendable {
    // MARK: VMs

    /// Creates a VM with its new images and writes its supervisor config.
    func createVM(_ spec: VMSpec) async throws -> VM
    /// One VM by id or name.
    func vm(_ ref: String) async throws -> VM
    /// One VM with its live status.
    func vmWithStatus(_ ref: String) async throws -> VMWithStatus
    /// Every VM, by id.
    func listVMs() async throws -> [VM]
    /// The live status of several VMs; those that could not be read are missing.
    func statuses(_ vms: [VM]) async -> [UInt64: VMStatus]
    /// Changes a VM's settings (not its storage).
    func updateVM(_ ref: String, _ change: @escaping @Sendable (inout VM) throws -> Void) async throws -> VM
    /// Stops and deletes a VM with its disks.
    func deleteVM(_ ref: String) async throws
    /// Attaches a drive, creating its image when `newImage` is given.
    func attachStorage(vm ref: String, _ attachment: StorageAttachment, newImage: ImageSpec?) async throws -> VM
    /// Detaches the drive at `index`.
    func detachStorage(vm ref: String, index: Int) async throws -> VM
    /// Runs a command in a running VM's guest through its agent and returns what it did
    /// (``ServiceLimits/checkGuestCommand(_:)`` bounds it).
    func exec(_ ref: String, _ command: GuestCommand) async throws -> GuestCommandResult
    /// Clones a stopped VM as `name`: its disks as new overlays on the same bases (or, with
    /// `full`, whole copies), a MAC address and cloud-init instance id of its own, no port
    /// forwards but its own SSH forward when it has cloud-init settings.
    func cloneVM(_ ref: String, name: String, full: Bool) async throws -> VM

    // MARK: Snapshots

    /// Snapshots every writable disk of a VM (all or none) as `name`; with `memory` (a
    /// running VM) its memory and device state too. Returns the `ready` record.
    @discardableResult func createSnapshot(vm ref: String, name: String, memory: Bool) async throws -> Snapshot
    /// A VM's snapshots, ordered by name, checked against what its disks hold; never fails
    /// because the VM runs.
    func listSnapshots(vm ref: String) async throws -> [Snapshot]
    /// Returns a VM's disks (and, for a memory snapshot of a running VM, the guest) to `name`.
    @discardableResult func revertSnapshot(vm ref: String, name: String) async throws -> Snapshot
    /// Deletes snapshot `name` from every disk of a VM and forgets it.
    func deleteSnapshot(vm ref: String, name: String) async throws

    // MARK: Lifecycle

    /// Starts a VM and waits until it runs; returns its status then.
    @discardableResult func startVM(_ ref: String) async throws -> VMStatus
    /// Powers a VM off, forcing it after the timeout (``ServiceLimits/stopTimeoutSeconds``;
    /// nil: the VM's own, 0: at once).
    @discardableResult func stopVM(_ ref: String, timeoutSeconds: Int?) async throws -> VMStatus
    /// Asks the guest to power off and waits (``ServiceLimits/shutdownTimeoutSeconds``); never forces.
    @discardableResult func shutdownVM(_ ref: String, timeoutSeconds: Int?) async throws -> VMStatus
    /// Stops (as ``stopVM(_:timeoutSeconds:)``) and starts a VM.
    @discardableResult func restartVM(_ ref: String, timeoutSeconds: Int?) async throws -> VMStatus
    /// Freezes a VM's CPUs.
    @discardableResult func pauseVM(_ ref: String) async throws -> VMStatus
    /// Unfreezes a paused VM.
    @discardableResult func resumeVM(_ ref: String) async throws -> VMStatus
    /// A VM's live status.
    func status(_ ref: String) async throws -> VMStatus
    /// Up to `maxBytes` (``ServiceLimits/serialLogChunk`` at most) of a VM's serial log from
    /// byte `offset`; fewer means the end.
    func serialLog(_ ref: String, from offset: UInt64, maxBytes: Int) async throws -> Data

    // MARK: Networks

    /// Creates a managed network (bridge, dnsmasq, optional NAT) on the host.
    func createNetwork(_ spec: NetworkSpec) async throws -> Network
    /// Every managed network.
    func listNetworks() async throws -> [Network]
    /// One managed network.
    func network(_ name: String) async throws -> Network
    /// Deletes a managed network no VM uses, with everything spin made for it.
    func deleteNetwork(_ name: String) async throws

    // MARK: Volumes and images

    /// Records a volume and creates its directory (`path` nil: under the root).
    func createVolume(name: String, path: String?) async throws -> Volume
    /// Every volume.
    func listVolumes() async throws -> [Volume]
    /// One volume.
    func volume(_ name: String) async throws -> Volume
    /// Forgets a volume (`force`: with the images spin made); says whether its directory went.
    func deleteVolume(_ name: String, force: Bool) async throws -> VolumeDeletion
    /// Creates an image.
    func createImage(_ spec: ImageSpec) async throws -> Image
    /// The images of one volume, or of all when nil.
    func listImages(volume: String?) async throws -> [Image]
    /// One image.
    func image(volume: String, name: String) async throws -> Image
    /// Deletes an image.
    func deleteImage(volume: String, name: String) async throws
    /// Copies an image into a new one.
    func copyImage(volume: String, name: String, toVolume: String, toName: String, format: ImageFormat?) async throws -> Image
    /// Resizes an image.
    func resizeImage(volume: String, name: String, sizeBytes: UInt64, force: Bool) async throws -> Image
    /// Moves or renames an image.
    func moveImage(volume: String, name: String, toVolume: String, toName: String) async throws -> Image
    /// Imports the host file `path` (raw or qcow2, read from its header) as a new image,
    /// checking its SHA-256 when given, and records it as a base image with `base`.
    func importImage(volume: String, name: String, path: String, sha256: String?, base: Bool) async throws -> Image
    /// Marks an image as a base image: read-only, the backing file of overlays.
    func markBaseImage(volume: String, name: String) async throws -> Image

    // MARK: Packages

    /// Opens an empty package.
    func newPackage() async throws -> UInt64
    /// Adds a command to an open package.
    func add(_ command: CommandDraft, to package: UInt64) async throws -> UUID
    /// Hands a package to its queues.
    func enqueue(_ package: UInt64) async throws -> PackageStatus
    /// A package and its commands.
    func packageStatus(_ package: UInt64) async throws -> PackageStatus
    /// Waits up to `timeoutSeconds` until a package finishes (embedded: the queues are served
    /// by whichever processes run agents).
    func waitForPackage(_ package: UInt64, timeoutSeconds: Int) async throws -> PackageStatus
    /// Records a command's outcome by hand.
    func complete(_ command: UUID, success: Bool, reason: String?) async throws
    /// One command.
    func command(_ id: UUID) async throws -> CommandRecord

    // MARK: Events and host

    /// Live events from now on: VM state changes, and package progress (all VMs when `vm`
    /// is nil; only that VM's state changes otherwise). Ends when the caller stops iterating.
    func events(vm: String?) async throws -> AsyncThrowingStream<SpinEvent, any Error>
    /// The checks of the host that runs the VMs (`spin doctor`, `GET /v1/host`).
    func hostChecks() async throws -> [HostCheck]
}

extension SpinService {
    /// The live status of several VMs, each asked with ``status(_:)`` concurrently; those that
    /// could not be read are missing. (`Spin` has its own, which skips the lookup by reference.)
    public func statuses(_ vms: [VM]) async -> [UInt64: VMStatus] {
        await withTaskGroup(of: (UInt64, VMStatus?).self) { group in
            for vm in vms { group.addTask { (vm.id, try? await self.status(String(vm.id))) } }
            var result: [UInt64: VMStatus] = [:]
            for await (id, status) in group { if let status { result[id] = status } }
            return result
        }
    }
}
