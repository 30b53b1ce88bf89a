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
            cloud-init: with --cloud-init (or --user-data, --ssh-key, --user) the VM gets a \
            NoCloud seed on a read-only drive: its name as host name, a user (--user, default \
            spin: passwordless sudo, SSH keys only) with the spin root's own SSH key (made at \
            first use in ROOT/ssh) and each --ssh-key, or your own --user-data; and a forward \
            of a free 127.0.0.1 port to its port 22, so spin ssh NAME logs in. Without these \
            options the VM gets no seed. Every VM gets the guest agent's channel (spin exec).
            Example: spin vm create web vol1 --cdrom /srv/iso/debian.iso -p 80:127.0.0.1:8080
            Example: spin vm create web vol1 --cloud-init --ssh-key ~/.ssh/id_ed25519.pub
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's name: a letter, then letters, digits, - or _.") var name: String
    @Argument(help: "The volume that will hold the VM's disk image.") var volume: String
    @Option(name: [.customShort("d"), .long], help: "An ISO file to attach as a CD-ROM.") var cdrom: String?
    @Option(name: [.customShort("c"), .long], help: "Virtual CPUs.") var cpus: Int = 2
    @Option(name: [.customShort("m"), .long], help: "Memory in MiB.") var memory: Int = 1024
    @Option(name: [.customShort("s"), .long], help: "Disk image size in GiB (or with a unit: 512M).") var imageSize = Size(bytes: 10 << 30)
    @Option(name: [.customShort("p"), .long], help: "Forward a host port: GUEST:HOSTADDR:HOSTPORT[/udp]; repeatable.") var port: [String] = []
    @Option(help: "Boot this kernel directly instead of from a drive.") var kernel: String?
    @Option(help: "The initrd for --kernel.") var initrd: String?
    @Option(help: "The kernel command line for --kernel.") var append: String?
    @Flag(help: "Start the VM when the host starts (systemd: its unit is enabled; direct: spin-server starts it).") var autostart = false
    @Flag(help: "Give the VM a cloud-init seed, the spin root's SSH key and an SSH port forward.") var cloudInit = false
    @Option(help: "cloud-init user-data of your own (e.g. a #cloud-config file), used instead of spin's; implies --cloud-init.") var userData: String?
    @Option(help: "An SSH public key file (.pub) whose keys the VM's user accepts too; repeatable; implies --cloud-init.") var sshKey: [String] = []
    @Option(help: "The user cloud-init makes and spin ssh logs in as (default spin); implies --cloud-init.") var user: String?

    func validate() throws {
        if kernel == nil && (initrd != nil || append != nil) {
            throw ValidationError("--initrd and --append need --kernel")
        }
    }

    func run() async throws {
        let ports = try port.map(PortForward.init(parsing:))
        let image = ImageSpec(volume: volume, name: "\(name).qcow2", sizeBytes: imageSize.bytes, format: .qcow2)
        var storage: [StorageAttachment] = [image.attachment]
        if let cdrom { storage.append(.cdrom(path: Paths.absolute(cdrom))) }
        let boot = kernel.map { DirectBoot(kernel: Paths.absolute($0), initrd: initrd.map(Paths.absolute), append: append) }
        let spec = VMSpec(name: name, cpus: cpus, memoryMiB: memory, ports: ports, storage: storage, kernel: boot,
                          autostart: autostart, cloudInit: try cloudInitSettings(), newImages: [image])
        try Paths.requireFiles([cdrom, kernel, initrd].compactMap { $0 }, global)
        let problems = spec.validate()
        if !problems.isEmpty {
            throw SpinError(.invalidArgument, problems.map(\.description).joined(separator: "\n"))
        }
        let vm = try await global.withBackend { backend in
            _ = try await backend.volume(volume)
            return try await Progress.during("creating VM \(name)", global) { _ in try await backend.createVM(spec) }
        }
        try Output.emit(global, vm) { String(vm.id) }
    }

    /// The cloud-init settings the options ask for, with the files read here (they are on
    /// this machine, whichever host runs the VM); nil when none is asked for.
    func cloudInitSettings() throws -> CloudInit? {
        guard cloudInit || userData != nil || !sshKey.isEmpty || user != nil else { return nil }
        var settings = CloudInit(userName: user ?? CloudInit.defaultUserName)
        for file in sshKey { settings.authorizedKeys += try Self.publicKeys(in: file) }
        if let userData {
            guard let data = FileManager.default.contents(atPath: userData), let text = String(data: data, encoding: .utf8) else {
                throw SpinError(.invalidArgument, "cannot read --user-data \(userData) as UTF-8 text; give a readable #cloud-config file")
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
