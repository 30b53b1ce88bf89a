import ArgumentParser
import SpinCore

/// `spin vm image attach ID`: attach an ISO, an existing image, or a new image.
struct VMImageAttach: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Attach a CD-ROM, an existing disk image, or a new one (--size); prints its index.",
        discussion: """
            Example: spin vm image attach web --cdrom /srv/iso/tools.iso
            Example: spin vm image attach web --volume vol1 --image data.qcow2 --size 20
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String
    @Option(help: "An ISO file to attach as a CD-ROM.") var cdrom: String?
    @Option(help: "The volume of the disk image.") var volume: String?
    @Option(help: "The disk image's name inside --volume.") var image: String?
    @Option(help: "Create the image first, this size in GiB (or with a unit: 512M).") var size: Size?

    func validate() throws {
        switch (cdrom, volume, image) {
        case (.some, nil, nil):
            if size != nil { throw ValidationError("--size applies to disk images, not --cdrom") }
        case (nil, .some, .some): break
        default: throw ValidationError("give either --cdrom ISO, or --volume V --image NAME [--size GiB]")
        }
    }

    func run() async throws {
        let attachment: StorageAttachment
        var newImage: ImageSpec?
        if let cdrom {
            try Paths.requireFiles([cdrom], global)
            attachment = .cdrom(path: Paths.absolute(cdrom))
        } else {
            let disk = ImageSpec(volume: volume ?? "", name: image ?? "", sizeBytes: size?.bytes ?? 1)
            attachment = disk.attachment
            if size != nil { newImage = disk }
        }
        let (row, _) = try await global.withBackend { backend in
            let updated = try await Progress.during("attaching to \(vm)", global) { _ in
                try await backend.attachStorage(vm: vm, attachment, newImage: newImage)
            }
            let rows = try await DriveRow.rows(updated, backend)
            guard let row = rows.last(where: { updated.storage[$0.index] == attachment }) else {
                throw SpinError(.internal, "the attached drive is missing from VM \(updated.id)")
            }
            return (row, updated)
        }
        try Output.emit(global, row) { String(row.index) }
    }
}
