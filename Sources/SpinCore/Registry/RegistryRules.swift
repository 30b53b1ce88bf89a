import Foundation

/// The registry's rules that need no store: checks on values already read, each throwing the
/// ``SpinError`` both registries give (the LMDB ``Registry`` and the PostgreSQL one), so the
/// two cannot drift apart.
package enum RegistryRules {
    /// Checks an edited VM against its stored version and stamps it: the id stays,
    /// `createdAt` is kept, `updatedAt` moves forward.
    package static func stampUpdate(_ vm: inout VM, previous: VM, now: Date = Date()) throws {
        guard vm.id == previous.id else {
            throw SpinError(.invalidArgument, "a VM's id cannot change (VM \(previous.id) was given id \(vm.id))")
        }
        vm.createdAt = previous.createdAt
        vm.updatedAt = max(now, previous.updatedAt)
    }

    /// Checks an edited image against its stored version (only size and format may change) and
    /// keeps its `createdAt`; then validates it.
    package static func checkImageEdit(_ image: inout Image, previous: Image) throws {
        let (volume, name) = (previous.volume, previous.name)
        guard image.volume == previous.volume, image.name == previous.name else {
            throw SpinError(.invalidArgument, "image \(quoted(name)) of volume \(quoted(volume)) cannot be renamed or moved; create a new image instead")
        }
        guard image.base == previous.base, image.backingImage == previous.backingImage else {
            throw SpinError(.invalidArgument, "image \(quoted(name)) of volume \(quoted(volume)) keeps its base flag and backing image; mark a base with spin image base")
        }
        guard image.attachedTo == previous.attachedTo else {
            throw SpinError(.invalidArgument, "image \(quoted(name)) of volume \(quoted(volume)) is attached and detached through its VM's storage, not by editing the image")
        }
        image.createdAt = previous.createdAt
        try ValidationProblem.check(image.validate())
    }

    /// Refuses to delete the volume `name` while it holds `images`, unless `force`.
    package static func checkEmptiable(volume name: String, images: [Image], force: Bool) throws {
        guard !images.isEmpty && !force else { return }
        let names = images.prefix(5).map { quoted($0.name) }.joined(separator: ", ")
        let more = images.count > 5 ? ", …" : ""
        throw SpinError(.failedPrecondition, "volume \(quoted(name)) still holds \(images.count) image\(images.count == 1 ? "" : "s") (\(names)\(more)); delete them first or force the deletion")
    }

    /// Checks a new overlay against `base`, the image its spec names as backing (nil: missing):
    /// it exists in the same volume, is a base, and is no larger than the overlay.
    package static func checkBacking(of spec: ImageSpec, base: Image?) throws {
        guard let name = spec.backingImage else { return }
        guard let base else {
            throw SpinError(.notFound, "base image \(quoted(name)) does not exist in volume \(quoted(spec.volume)); import one with spin image import \(spec.volume) \(name) FILE --base")
        }
        guard base.base else {
            throw SpinError(.failedPrecondition, "image \(quoted(name)) of volume \(quoted(spec.volume)) is not a base image; make it one with spin image base \(spec.volume) \(name) (it must be detached), then create overlays on it")
        }
        guard spec.sizeBytes >= base.sizeBytes else {
            throw SpinError(.failedPrecondition, "an overlay of \(spec.sizeBytes) bytes is smaller than its base \(quoted(name)) (\(base.sizeBytes) bytes); give at least the base's size")
        }
    }

    /// The address `text` NIC `index` asks for on `network`: an IPv4 address in its guest range.
    package static func guestAddress(_ text: String, nic index: Int, on network: Network) throws -> UInt32 {
        guard let subnet = network.subnet else {
            throw SpinError(.invalidArgument, "networks[\(index)]: network \(quoted(network.name)) is the operator's bridge \(network.bridge), where spin reserves no addresses; leave out :\(text) (the bridge's own DHCP or the guest sets the address)")
        }
        guard let address = IPv4Subnet.parseAddress(text) else {
            throw SpinError(.invalidArgument, "networks[\(index)].address \(quoted(text)) is not an IPv4 address; give one inside \(subnet)")
        }
        guard subnet.contains(address), address >= subnet.firstGuest, address <= subnet.lastGuest else {
            throw SpinError(.invalidArgument, "address \(text) is outside network \(quoted(network.name))'s guest range \(IPv4Subnet.format(subnet.firstGuest))–\(IPv4Subnet.format(subnet.lastGuest)) (subnet \(subnet), gateway \(IPv4Subnet.format(subnet.gateway))); give an address inside it, or none to get the next free one")
        }
        return address
    }

    /// Refuses an image another VM (`owner`, described) has attached.
    package static func attachedElsewhere(volume: String, image: String, owner: String) -> SpinError {
        SpinError(.conflict, "image \(quoted(image)) of volume \(quoted(volume)) is attached to \(owner); detach it there first")
    }

    /// Checks the images a VM asks to create with it: each valid and one of its disks.
    package static func checkNewImages(_ newImages: [ImageSpec], of vm: VM) throws {
        for spec in newImages {
            try ValidationProblem.check(spec.validate().map { ValidationProblem(field: "newImages.\($0.field)", message: $0.message) })
            guard vm.storage.contains(spec.attachment) else {
                throw SpinError(.invalidArgument, "new image \(quoted(spec.name)) of volume \(quoted(spec.volume)) is not in the VM's storage; add it as a disk or drop it")
            }
        }
    }

    /// Checks that a disk attached with a new image is that image's disk, and the image valid.
    package static func checkNewImage(_ newImage: ImageSpec?, attaching attachment: StorageAttachment) throws {
        guard let newImage else { return }
        if newImage.attachment != attachment {
            throw SpinError(
                .invalidArgument,
                "the new image \(quoted(newImage.name)) of volume \(quoted(newImage.volume)) is not the attached disk; attach .disk(volume: \(quoted(newImage.volume)), image: \(quoted(newImage.name)))")
        }
        try ValidationProblem.check(newImage.validate())
    }

    /// Checks that `vm` has a drive at `index`.
    package static func checkDrive(_ index: Int, of vm: VM) throws {
        guard !vm.storage.indices.contains(index) else { return }
        let has = vm.storage.isEmpty ? "it has no drives" : "its drives are 0...\(vm.storage.count - 1)"
        throw SpinError(.notFound, "VM \(vm.id) (\(quoted(vm.name))) has no drive at index \(index); \(has)")
    }

    /// Checks that `image` may become a base: not attached (to `owner`, described) and not an
    /// overlay itself.
    package static func checkMarkable(_ image: Image, owner: String?) throws {
        if let owner {
            throw SpinError(.failedPrecondition, "image \(quoted(image.name)) of volume \(quoted(image.volume)) is attached to \(owner), and a base is never written; detach it there first (spin vm image detach), or copy it and make the copy the base")
        }
        if let backing = image.backingImage {
            throw SpinError(.failedPrecondition, "image \(quoted(image.name)) of volume \(quoted(image.volume)) is an overlay on \(quoted(backing)); a base must be standalone, so copy it in full (spin image copy) and make the copy the base")
        }
    }

    /// Refuses to create an image a VM's new disk names when it exists already.
    package static func newImageExists(volume: String, image: String) -> SpinError {
        SpinError(.conflict, "image \(quoted(image)) already exists in volume \(quoted(volume)); attach it instead of creating it, or pick another name")
    }

    /// Refuses a disk naming an image that does not exist.
    package static func missingDiskImage(volume: String, image: String) -> SpinError {
        SpinError(.notFound, "image \(quoted(image)) does not exist in volume \(quoted(volume)); create it with spin image create \(volume) \(image) SIZE, or create it with the VM")
    }

    /// Refuses a base image as a VM's disk.
    package static func baseAsDisk(volume: String, image: String) -> SpinError {
        SpinError(.failedPrecondition, "image \(quoted(image)) of volume \(quoted(volume)) is a base image: read-only, never attached to a VM; create a VM on it with spin vm create NAME \(volume) --from \(volume)/\(image)")
    }
}
