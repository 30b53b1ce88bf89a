import Foundation

/// The registry's entity operations, whatever store keeps the records: the LMDB ``Registry``
/// (one host) or the PostgreSQL registry of SpinPostgres (a fleet of API servers on one database).
///
/// Both give the same answers and the same errors: validation through the entities'
/// `validate()` (`invalidArgument`, listing every problem), `conflict` for a taken VM name,
/// host port, volume name or path, image, bridge, subnet or address, `notFound` naming the
/// command that creates what is missing, `failedPrecondition` for "in use" refusals. A refused
/// call changes nothing. Change closures may run more than once (a store retries a write that
/// lost a race), so they must only change the value they are given.
public protocol RegistryStore: Sendable {
    // MARK: VMs

    /// Records a new VM and the images its spec asks to create; returns it with its new id.
    @discardableResult
    func createVM(_ spec: VMSpec) async throws -> VM
    /// The VM named by `ref`: its id in decimal (`"12"`) or its name (`"web"`).
    func vm(_ ref: String) async throws -> VM
    /// The VM with `id`.
    func vm(id: UInt64) async throws -> VM
    /// Every VM, ordered by id.
    func listVMs() async throws -> [VM]
    /// Changes the VM named by `ref` with `change`, revalidates it and rechecks conflicts;
    /// `createdAt` is kept, `updatedAt` bumped.
    @discardableResult
    func updateVM(_ ref: String, change: @escaping @Sendable (inout VM) throws -> Void) async throws -> VM
    /// Removes the VM named by `ref`, its snapshots and reserved addresses, and frees its images.
    @discardableResult
    func deleteVM(_ ref: String) async throws -> VM
    /// Appends `attachment` to the VM's storage, creating `newImage` (the same disk) with it.
    @discardableResult
    func attachStorage(vm ref: String, _ attachment: StorageAttachment, newImage: ImageSpec?) async throws -> VM
    /// Removes the VM's drive at `index`, freeing (and keeping) a disk's image.
    @discardableResult
    func detachStorage(vm ref: String, index: Int) async throws -> VM

    // MARK: Volumes

    /// Records the volume `name` for the host directory `path` (normalized).
    @discardableResult
    func createVolume(name: String, path: String) async throws -> Volume
    /// The volume `name`.
    func volume(_ name: String) async throws -> Volume
    /// The volume whose directory is exactly `path` (normalized, as recorded), or nil.
    func volume(atPath path: String) async throws -> Volume?
    /// Every volume, ordered by name.
    func listVolumes() async throws -> [Volume]
    /// Removes the volume `name`; one holding images is refused unless `force`, and never when
    /// one of them is attached to a VM.
    @discardableResult
    func deleteVolume(_ name: String, force: Bool) async throws -> Volume

    // MARK: Images

    /// Records a free image in an existing volume (`base`: as a base image).
    @discardableResult
    func createImage(_ spec: ImageSpec, base: Bool) async throws -> Image
    /// The image `name` of `volume`.
    func image(volume: String, name: String) async throws -> Image
    /// The image `name` of `volume`, or nil when either is not recorded.
    func imageIfPresent(volume: String, name: String) async throws -> Image?
    /// The images of `volume`, ordered by name.
    func listImages(volume: String) async throws -> [Image]
    /// Every image, ordered by volume, then name.
    func listAllImages() async throws -> [Image]
    /// Changes the image's size or format; its identity, base flag, backing image and
    /// attachment stay.
    @discardableResult
    func updateImage(volume: String, name: String, change: @escaping @Sendable (inout Image) throws -> Void) async throws -> Image
    /// Removes a free image's record; refused while attached or, for a base, while overlays use it.
    @discardableResult
    func deleteImage(volume: String, name: String) async throws -> Image
    /// Marks a free, standalone image as a base: read-only from now on.
    @discardableResult
    func markBase(volume: String, name: String) async throws -> Image
    /// Fails when overlays use the base `name` of `volume`, naming them (`verb`: what was asked).
    func requireNoOverlays(volume: String, name: String, verb: String) async throws

    // MARK: Networks

    /// Records a managed network: name, bridge and subnet taken by no other network.
    @discardableResult
    func createNetwork(_ network: Network) async throws -> Network
    /// The network `name`.
    func network(_ name: String) async throws -> Network
    /// Every network, ordered by name.
    func listNetworks() async throws -> [Network]
    /// The bridge names every network uses.
    func networkBridges() async throws -> Set<String>
    /// The ids of the VMs with a NIC on network `name`.
    func networkUsers(_ name: String) async throws -> [UInt64]
    /// Forgets the network `name`; refused while a VM has a NIC on it.
    @discardableResult
    func deleteNetwork(_ name: String) async throws -> Network

    // MARK: Snapshots

    /// Records the snapshot `name` of the VM named by `ref` as `creating`.
    @discardableResult
    func reserveSnapshot(vm ref: String, name: String, memory: Bool) async throws -> Snapshot
    /// The snapshots of VM `vmID`, ordered by name.
    func snapshots(vmID: UInt64) async throws -> [Snapshot]
    /// The snapshot `name` of VM `vmID`.
    func snapshot(vmID: UInt64, name: String) async throws -> Snapshot
    /// Changes the snapshot's state and disks (its VM and name stay).
    @discardableResult
    func updateSnapshot(vmID: UInt64, name: String, change: @escaping @Sendable (inout Snapshot) throws -> Void) async throws -> Snapshot
    /// Forgets the snapshot `name` of VM `vmID`; returns whether a record was there.
    @discardableResult
    func forgetSnapshot(vmID: UInt64, name: String) async throws -> Bool
}
