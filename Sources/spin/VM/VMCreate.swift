import ArgumentParser
import Foundation
import SpinCore

/// `spin vm create NAME [VOLUME]`: records a VM with a new disk image named after it.
struct VMCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a VM with a new disk image in VOLUME; prints its id.",
        discussion: """
            The disk is a qcow2 image named NAME.qcow2 inside VOLUME, which must exist \
            (spin volume create). If any step fails, nothing is left behind.
            With --from VOLUME/BASE the disk is a qcow2 overlay on that base image (spin image \
            import --base), in the base's volume (VOLUME may then be left out), naming it by a \
            path relative to the volume; it is as large as the base unless --disk-size asks for \
            more, and costs the same to make whatever the base's size.
            cloud-init: a VM made --from a base gets a NoCloud seed on a read-only drive unless \
            --no-seed; any other VM gets one with --seed, --cloud-init, --ssh-key or --user. The \
            seed gives the guest its name as host name and a user (--user, default spin: \
            passwordless sudo, SSH keys only) with the spin root's own SSH key (made at first use \
            in ROOT/ssh) and each --ssh-key, or runs your own user-data (--cloud-init FILE); the \
            VM also gets a forward of a free 127.0.0.1 port to its port 22, so spin ssh NAME logs \
            in. Every VM gets the guest agent's channel (spin exec).
            --mount HOSTDIR[:GUESTPATH][:ro] shares a host directory over virtiofs (one \
            virtiofsd per share, started and ended with the VM; spin must run as root); a VM \
            with a seed mounts it at GUESTPATH (default: the same path) at every boot, another \
            mounts it itself: mount -t virtiofs spin0 /src.
            --network NET[:ADDRESS] adds a NIC on a managed network (spin network create) with \
            a MAC of its own and a reserved address (the next free one unless given), kept across \
            restarts; repeatable. The user-mode NIC stays first. On an external network (spin \
            network create NET --external --bridge BR) the NIC gets a MAC and no reserved address.
            --firmware uefi boots with OVMF (Debian's ovmf package) and a variable store of the \
            VM's own; bios (SeaBIOS) is the default.
            Example: spin vm create web vol1 --cdrom /srv/iso/debian.iso -p 80:127.0.0.1:8080
            Example: spin vm create web --from vol1/debian-12 --disk-size 10G --mount ~/src:/src
            Example: spin vm create web vol1 --seed --ssh-key ~/.ssh/id_ed25519.pub
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's name: a letter, then letters, digits, - or _.") var name: String
    @Argument(help: "The volume that will hold the VM's disk image (with --from: the base's, which is the default).") var volume: String?
    @Option(name: [.customShort("d"), .long], help: "An ISO file to attach as a CD-ROM.") var cdrom: String?
    @Option(name: [.customShort("c"), .long], help: "Virtual CPUs.") var cpus: Int = 2
    @Option(name: [.customShort("m"), .long], help: "Memory in MiB.") var memory: Int = 1024
    @Option(name: [.customShort("s"), .customLong("image-size"), .customLong("disk-size")],
            help: "Disk image size in GiB (or with a unit: 512M); default 10 GiB, with --from the base's size.") var imageSize: Size?
    @Option(help: "Make the disk an overlay on a base image: VOLUME/BASE.") var from: String?
    @Option(name: [.customShort("p"), .long], help: "Forward a host port: GUEST:HOSTADDR:HOSTPORT[/udp]; repeatable.") var port: [String] = []
    @Option(help: "Boot this kernel directly instead of from a drive.") var kernel: String?
    @Option(help: "The initrd for --kernel.") var initrd: String?
    @Option(help: "The kernel command line for --kernel.") var append: String?
    @Flag(help: "Start the VM when the host starts (systemd: its unit is enabled; direct: spin-server starts it).") var autostart = false
    @Flag(inversion: .prefixedNo, help: "Give the VM a cloud-init seed, the spin root's SSH key and an SSH port forward (default: with --from).") var seed: Bool?
    @Option(name: [.customLong("cloud-init"), .customLong("user-data")],
            help: "cloud-init user-data of your own (e.g. a #cloud-config file), used instead of spin's; implies --seed.") var userData: String?
    @Option(help: "An SSH public key file (.pub) whose keys the VM's user accepts too; repeatable; implies --seed.") var sshKey: [String] = []
    @Option(help: "The user cloud-init makes and spin ssh logs in as (default spin); implies --seed.") var user: String?
    @Option(help: "Share a host directory: HOSTDIR[:GUESTPATH][:ro]; repeatable.") var mount: [String] = []
    @Option(help: "The firmware: bios or uefi.") var firmware: Firmware = .bios
    @Option(help: "Add a NIC on a network: NET[:ADDRESS] (no ADDRESS on an external one); repeatable.") var network: [String] = []

    func validate() throws {
        if kernel == nil && (initrd != nil || append != nil) {
            throw ValidationError("--initrd and --append need --kernel")
        }
        if let from {
            let base = try Self.base(from)
            if let volume, base.volume != volume {
                throw ValidationError("--from \(from): the disk is an overlay that names its base relative to the volume, so it goes in the base's volume; give \(base.volume) as VOLUME, or leave VOLUME out")
            }
        } else if volume == nil {
            throw ValidationError("give the VOLUME that will hold the VM's disk (spin volume list), or --from VOLUME/BASE")
        }
        if seed == false && (userData != nil || !sshKey.isEmpty || user != nil) {
            throw ValidationError("--no-seed cannot go with --cloud-init, --ssh-key or --user, which are settings of the seed; leave out one or the other")
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
        let base = try from.map(Self.base)
        let volume = base?.volume ?? self.volume ?? ""
        var image = ImageSpec(volume: volume, name: "\(name).qcow2", sizeBytes: imageSize?.bytes ?? 10 << 30, format: .qcow2)
        image.backingImage = base?.image
        var storage: [StorageAttachment] = [image.attachment]
        if let cdrom { storage.append(.cdrom(path: Paths.absolute(cdrom))) }
        let boot = kernel.map { DirectBoot(kernel: Paths.absolute($0), initrd: initrd.map(Paths.absolute), append: append) }
        let mounts = try mount.map { text in
            let parts = try SharedFolder.parse(text)
            return SharedFolder(hostPath: Paths.absolute(parts.hostPath), guestPath: parts.guestPath, readOnly: parts.readOnly)
        }
        var spec = VMSpec(name: name, cpus: cpus, memoryMiB: memory, ports: ports, storage: storage, kernel: boot,
                          autostart: autostart, cloudInit: try cloudInitSettings(), mounts: mounts, firmware: firmware,
                          newImages: [image], networks: network.map(NetworkAttachment.init(parsing:)))
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

    /// The cloud-init settings the options ask for, with the files read here (they are on
    /// this machine, whichever host runs the VM); nil when the VM gets no seed.
    func cloudInitSettings() throws -> CloudInit? {
        let asked = userData != nil || !sshKey.isEmpty || user != nil
        guard seed ?? (asked || from != nil) else { return nil }
        var settings = CloudInit(userName: user ?? CloudInit.defaultUserName)
        for file in sshKey { settings.authorizedKeys += try Self.publicKeys(in: file) }
        if let userData {
            guard let data = FileManager.default.contents(atPath: userData), let text = String(data: data, encoding: .utf8) else {
                throw SpinError(.invalidArgument, "cannot read --cloud-init \(userData) as UTF-8 text; give a readable #cloud-config file")
            }
            settings.userData = text
        }
        return settings
    }

    /// The key lines of an OpenSSH public key file (blank and `#` lines skipped).
    static func publicKeys(in file: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw SpinError(.invalidArgument, "cannot read the SSH public key file \(file); give a .pub file such as ~/.ssh/id_ed25519.pub")
        }
        if text.contains("PRIVATE KEY") {
            throw SpinError(.invalidArgument, "\(file) is a private key; give its public half (\(file).pub)")
        }
        let keys = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        if keys.isEmpty { throw SpinError(.invalidArgument, "\(file) holds no SSH public key; give a .pub file such as ~/.ssh/id_ed25519.pub") }
        return keys
    }
}
extension Firmware: ExpressibleByArgument {}
