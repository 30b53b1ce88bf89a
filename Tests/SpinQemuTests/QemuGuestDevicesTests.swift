import Foundation
import Testing
@testable import SpinQemu

@Suite("QEMU argv for cloud guests: guest agent channel and seed drive")
struct QemuGuestDevicesTests {
    @Test("the guest agent channel is a socket chardev on a virtserialport named org.qemu.guest_agent.0")
    func guestAgentChannel() {
        #expect(QemuGuestAgentChannel(socketPath: "/run/spin/1,a/qga.sock").qemuArguments() == [
            "-chardev", "socket,id=qga0,path=/run/spin/1,,a/qga.sock,server=on,wait=off",
            "-device", "virtio-serial-pci,id=virtio-serial0",
            "-device", "virtserialport,bus=virtio-serial0.0,chardev=qga0,name=org.qemu.guest_agent.0",
        ])
    }

    @Test("the seed is a read-only raw virtio-blk drive, not a CD-ROM")
    func seedDrive() {
        #expect(QemuSeedImage(path: "/vms/1,a/seed.iso").qemuArguments() == [
            "-drive", "file=/vms/1,,a/seed.iso,format=raw,if=none,id=seed0,readonly=on",
            "-device", "virtio-blk-pci,drive=seed0,id=virtio-seed0",
        ])
    }

    /// A configuration using every part that existed before the seed and the agent channel.
    private func baseline() -> QemuConfiguration {
        var config = QemuConfiguration(name: "web", accelerator: .tcg, cpuCount: 2, memoryMiB: 1024)
        config.disks = [QemuDisk(path: "/d.qcow2")]
        config.directBoot = QemuDirectBoot(kernel: "/k", initrd: "/i", append: "root=/dev/vda")
        config.network = QemuNetwork(forwards: [QemuPortForward(hostPort: 2222, guestPort: 22)])
        config.serial = QemuSerial(socketPath: "/s.sock")
        config.qmpSocketPath = "/q.sock"
        config.noReboot = true
        return config
    }

    @Test("without a seed or an agent channel the argv is exactly what it was")
    func unchangedWithout() throws {
        #expect(try baseline().arguments() == [
            "-name", "guest=web", "-no-user-config", "-nodefaults", "-display", "none", "-no-reboot",
            "-machine", "type=q35", "-accel", "tcg",
            "-cpu", "max", "-smp", "2", "-m", "1024",
            "-drive", "file=/d.qcow2,format=qcow2,if=none,id=disk0,cache=writeback",
            "-device", "virtio-blk-pci,drive=disk0,id=virtio-disk0",
            "-kernel", "/k", "-initrd", "/i", "-append", "root=/dev/vda",
            "-netdev", "user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22",
            "-device", "virtio-net-pci,netdev=net0,id=nic0",
            "-chardev", "socket,id=serial0,path=/s.sock,server=on,wait=off", "-serial", "chardev:serial0",
            "-chardev", "socket,id=qmp,path=/q.sock,server=on,wait=off", "-mon", "chardev=qmp,mode=control",
        ])
    }

    @Test("the seed follows the disks and the agent channel follows the serial port")
    func placement() throws {
        var config = baseline()
        config.seed = QemuSeedImage(path: "/seed.iso")
        config.guestAgent = QemuGuestAgentChannel(socketPath: "/qga.sock")
        let arguments = try config.arguments()
        let disk = try #require(arguments.firstIndex(of: "virtio-blk-pci,drive=disk0,id=virtio-disk0"))
        let seed = try #require(arguments.firstIndex(of: "file=/seed.iso,format=raw,if=none,id=seed0,readonly=on"))
        let serial = try #require(arguments.firstIndex(of: "chardev:serial0"))
        let agent = try #require(arguments.firstIndex(of: "socket,id=qga0,path=/qga.sock,server=on,wait=off"))
        let qmp = try #require(arguments.firstIndex(of: "chardev=qmp,mode=control"))
        #expect(disk < seed && seed < serial && serial < agent && agent < qmp)
        #expect(try baseline().arguments().count + 10 == arguments.count)
    }

    @Test("an empty seed path or an over-long agent socket path is refused")
    func validation() {
        var config = baseline()
        config.seed = QemuSeedImage(path: "")
        #expect(throws: QemuConfigurationError.self) { try config.arguments() }
        config.seed = nil
        config.guestAgent = QemuGuestAgentChannel(socketPath: "/" + String(repeating: "a", count: 120))
        #expect(throws: QemuConfigurationError(field: "guestAgent.socketPath", reason: "a unix socket path must be 1…107 bytes, got 121; use a shorter runtime directory")) {
            try config.arguments()
        }
    }

    @Test("a stored configuration from before these fields still decodes")
    func decodesOldJSON() throws {
        var old = try JSON(encoding: baseline()).objectValue ?? [:]
        old.removeValue(forKey: "seed")
        old.removeValue(forKey: "guestAgent")
        let decoded = try JSON.object(old).decode(QemuConfiguration.self)
        #expect(decoded == baseline())
    }
}
