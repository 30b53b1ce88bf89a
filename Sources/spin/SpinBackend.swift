import Foundation
import SpinCore

/// What the commands need from spin, whichever way it is reached: the ``Spin`` facade itself
/// in this process (`Spin+Backend.swift`), or ``RemoteBackend``, which asks a spin server. Methods are named like the
/// ``Spin`` facade's and fail with the same ``SpinError`` (code and message) either way, so a
/// command is written once and works embedded or with `--host`.
protocol SpinBackend: Sendable {
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
    func updateVM(_ ref: String, _ change: (inout VM) throws -> Void) async throws -> VM
    /// Stops and deletes a VM with its disks.
    func deleteVM(_ ref: String) async throws
    /// Attaches a drive, creating its image when `newImage` is given.
    func attachStorage(vm ref: String, _ attachment: StorageAttachment, newImage: ImageSpec?) async throws -> VM
    /// Detaches the drive at `index`.
    func detachStorage(vm ref: String, index: Int) async throws -> VM

    // MARK: Lifecycle

    /// Starts a VM and waits until it runs.
    func startVM(_ ref: String) async throws
    /// Powers a VM off, forcing it after the timeout.
    func stopVM(_ ref: String, timeoutSeconds: Int?) async throws
    /// Asks the guest to power off; never forces.
    func shutdownVM(_ ref: String, timeoutSeconds: Int?) async throws
    /// Stops and starts a VM.
    func restartVM(_ ref: String, timeoutSeconds: Int?) async throws
    /// Freezes a VM's CPUs.
    func pauseVM(_ ref: String) async throws
    /// Unfreezes a paused VM.
    func resumeVM(_ ref: String) async throws
    /// A VM's live status.
    func status(_ ref: String) async throws -> VMStatus
    /// Up to `maxBytes` of a VM's serial log from byte `offset` (fewer: the end).
    func serialLog(_ ref: String, from offset: UInt64, maxBytes: Int) async throws -> Data

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

    // MARK: Packages

    /// Opens an empty package.
    func newPackage() async throws -> UInt64
    /// Adds a command to an open package.
    func add(_ command: CommandDraft, to package: UInt64) async throws -> UUID
    /// Hands a package to its queues.
    func enqueue(_ package: UInt64) async throws -> PackageStatus
    /// A package and its commands.
    func packageStatus(_ package: UInt64) async throws -> PackageStatus
    /// Waits until a package finishes (embedded: while this process serves the queues).
    func waitForPackage(_ package: UInt64, timeoutSeconds: Int) async throws -> PackageStatus
    /// Records a command's outcome by hand.
    func complete(_ command: UUID, success: Bool, reason: String?) async throws
    /// One command.
    func command(_ id: UUID) async throws -> CommandRecord

    // MARK: Events and host

    /// Live events from now on: VM state changes, and package progress (all VMs when `vm`
    /// is nil; only that VM's state changes otherwise). Ends when the caller stops iterating.
    func events(vm: String?) async throws -> AsyncThrowingStream<SpinEvent, any Error>
    /// The `doctor` checks of the host that runs the VMs.
    func hostChecks() async throws -> [Doctor.Check]
}
