import ArgumentParser
import Foundation
import SpinCore

/// `spin vm create NAME VOLUME`: records a VM with a new disk image named after it.
struct VMCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a VM with a new disk image in VOLUME; prints its id.",
        discussion: """
            The disk is a qcow2 image named NAME.qcow2 inside VOLUME, which must exist \
            (spin volume create). If any step fails, nothing is left behind.
            With --from VOLUME/BASE the disk is a qcow2 overlay on that base image (spin image \
            import --base), in the base's volume, naming it by a path relative to the volume; it \
            is as large as the base unless --disk-size asks for more, and costs the same to \
            make whatever the base's size.
            Example: spin vm create web vol1 --cdrom /srv/iso/debian.iso -p 80:127.0.0.1:8080
            Example: spin vm create web vol1 --from vol1/debian-12 --disk-size 10G
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's name: a letter, then letters, digits, - or _.") var name: String
    @Argument(help: "The volume that will hold the VM's disk image.") var volume: String
    @Option(name: [.customShort("d"), .long], help: "An ISO file to attach as a CD-ROM.") var cdrom: String?
    @Option(name: [.customShort("c"), .long], help: "Virtual CPUs.") var cpus: Int = 2
    @Option(name: [.customShort("m"), .long], help: "Memory in MiB.") var memory: Int = 1024
    @Option(name: [.customShort("s"), .customLong("image-size"), .customLong("disk-size")],
            help: "Disk image size in GiB (or with a unit: 512M); default 10 GiB, with --from the base's size.") var imageSize: Size?
    @Option(help: "Make the disk an overlay on a base image: VOLUME/BASE, in the VM's volume.") var from: String?
    @Option(name: [.customShort("p"), .long], help: "Forward a host port: GUEST:HOSTADDR:HOSTPORT[/udp]; repeatable.") var port: [String] = []
    @Option(help: "Boot this kernel directly instead of from a drive.") var kernel: String?
    @Option(help: "The initrd for --kernel.") var initrd: String?
    @Option(help: "The kernel command line for --kernel.") var append: String?
    @Flag(help: "Start the VM when the host starts (systemd: its unit is enabled; direct: spin-server starts it).") var autostart = false

    func validate() throws {
        if kernel == nil && (initrd != nil || append != nil) {
            throw ValidationError("--initrd and --append need --kernel")
        }
        if let from {
            let base = try Self.base(from)
            if base.volume != volume {
                throw ValidationError("--from \(from): the disk is an overlay that names its base relative to the volume, so it goes in the base's volume; give \(base.volume) as VOLUME")
            }
        }
    }

    /// `VOLUME/BASE` split at its first `/`.
    static func base(_ from: String) throws -> (volume: String, image: String) {
        guard let slash = from.firstIndex(of: "/"), slash != from.startIndex, from.index(after: slash) != from.endIndex else {
            throw ValidationError("--from \(from) is not VOLUME/BASE, e.g. vol1/debian-12")
        }
        return (String(from[..<slash]), String(from[from.index(after: slash)...]))
    }

    func run() async throws {
        let ports = try port.map(PortForward.init(parsing:))
        var image = ImageSpec(volume: volume, name: "\(name).qcow2", sizeBytes: imageSize?.bytes ?? 10 << 30, format: .qcow2)
        let base = try from.map(Self.base)
        image.backingImage = base?.image
        var storage: [StorageAttachment] = [image.attachment]
        if let cdrom { storage.append(.cdrom(path: Paths.absolute(cdrom))) }
        let boot = kernel.map { DirectBoot(kernel: Paths.absolute($0), initrd: initrd.map(Paths.absolute), append: append) }
        var spec = VMSpec(name: name, cpus: cpus, memoryMiB: memory, ports: ports, storage: storage, kernel: boot,
                          autostart: autostart, newImages: [image])
        try Paths.requireFiles([cdrom, kernel, initrd].compactMap { $0 }, global)
        let problems = spec.validate()
        if !problems.isEmpty {
            throw SpinError(.invalidArgument, problems.map(\.description).joined(separator: "\n"))
        }
        let vm = try await global.withBackend { backend in
            _ = try await backend.volume(volume)
            if let base, imageSize == nil {
                // An overlay is as large as its base unless asked for more.
                spec.newImages[0].sizeBytes = try await backend.image(volume: base.volume, name: base.image).sizeBytes
            }
            return try await Progress.during("creating VM \(name)", global) { _ in try await backend.createVM(spec) }
        }
        try Output.emit(global, vm) { String(vm.id) }
    }
}
