import Testing
@testable import SpinQemu

@Suite("QEMU argv builders")
struct QemuArgumentsTests {
    @Test("option values with commas are escaped as double commas")
    func escaping() {
        #expect(QemuOption.escape("/tmp/a,b,,c") == "/tmp/a,,b,,,,c")
        #expect(QemuOption.list("socket", [("id", "x"), ("path", "/a,b")]) == "socket,id=x,path=/a,,b")
    }

    @Test("a qcow2 virtio disk becomes a drive plus a virtio-blk-pci device")
    func virtioDisk() {
        let disk = QemuDisk(path: "/images/a,b.qcow2")
        #expect(disk.qemuArguments(index: 1) == [
            "-drive", "file=/images/a,,b.qcow2,format=qcow2,if=none,id=disk1,cache=writeback",
            "-device", "virtio-blk-pci,drive=disk1,id=virtio-disk1",
        ])
    }

    @Test("a read-only raw IDE disk with cache=none says so")
    func ideReadOnly() {
        let disk = QemuDisk(path: "/d.raw", format: .raw, interface: .ide, cache: .none, readOnly: true)
        #expect(disk.qemuArguments(index: 0) == [
            "-drive", "file=/d.raw,format=raw,if=none,id=disk0,cache=none,readonly=on",
            "-device", "ide-hd,drive=disk0,id=ide-disk0,bus=ide.0",
        ])
    }

    @Test("a CD-ROM is a read-only raw cdrom drive on ide-cd")
    func cdrom() {
        #expect(QemuCDROM(path: "/iso/x,y.iso").qemuArguments(index: 0) == [
            "-drive", "file=/iso/x,,y.iso,format=raw,if=none,id=cd0,media=cdrom,readonly=on",
            "-device", "ide-cd,drive=cd0,id=ide-cd0,bus=ide.0",
        ])
    }

    @Test("IDE disks and CD-ROMs get consecutive AHCI ports; virtio disks take none")
    func ideBuses() {
        var config = QemuConfiguration(name: "x")
        config.disks = [QemuDisk(path: "/a"), QemuDisk(path: "/b", interface: .ide)]
        config.cdroms = [QemuCDROM(path: "/c"), QemuCDROM(path: "/d")]
        let devices = config.storageArguments().filter { $0.hasPrefix("ide-") || $0.hasPrefix("virtio-") }
        #expect(devices == [
            "virtio-blk-pci,drive=disk0,id=virtio-disk0", "ide-hd,drive=disk1,id=ide-disk1,bus=ide.0",
            "ide-cd,drive=cd0,id=ide-cd0,bus=ide.1", "ide-cd,drive=cd1,id=ide-cd1,bus=ide.2",
        ])
    }

    @Test("boot order maps to firmware letters and is omitted when empty")
    func bootOrder() {
        #expect([QemuBootDevice.cdrom, .disk, .network].qemuArguments() == ["-boot", "order=dcn"])
        #expect([QemuBootDevice]().qemuArguments().isEmpty)
    }

    @Test("direct boot passes kernel, initrd and append verbatim")
    func directBoot() {
        let boot = QemuDirectBoot(kernel: "/k,1", initrd: "/i", append: "console=ttyS0 a=b,c")
        #expect(boot.qemuArguments() == ["-kernel", "/k,1", "-initrd", "/i", "-append", "console=ttyS0 a=b,c"])
        #expect(QemuDirectBoot(kernel: "/k").qemuArguments() == ["-kernel", "/k"])
    }

    @Test("user networking lists every host forward and the MAC address")
    func network() {
        let network = QemuNetwork(
            forwards: [
                QemuPortForward(hostPort: 8080, guestPort: 80),
                QemuPortForward(transport: .udp, hostAddress: "", hostPort: 5353, guestPort: 53),
            ],
            macAddress: "52:54:00:12:34:56")
        #expect(network.qemuArguments(index: 0) == [
            "-netdev", "user,id=net0,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp::5353-:53",
            "-device", "virtio-net-pci,netdev=net0,id=nic0,mac=52:54:00:12:34:56",
        ])
    }

    @Test("the serial port is a socket server chardev with an appended log")
    func serial() {
        let serial = QemuSerial(socketPath: "/run/s,1/serial.sock", logPath: "/var/log/c,1.log")
        #expect(serial.qemuArguments() == [
            "-chardev", "socket,id=serial0,path=/run/s,,1/serial.sock,server=on,wait=off,logfile=/var/log/c,,1.log,logappend=on",
            "-serial", "chardev:serial0",
        ])
        #expect(QemuSerial(socketPath: "/s").qemuArguments()[1] == "socket,id=serial0,path=/s,server=on,wait=off")
    }

    @Test("base, machine and CPU parts follow the accelerator")
    func baseMachineCPU() {
        var config = QemuConfiguration(name: "web,1", accelerator: .tcg, cpuCount: 2, memoryMiB: 256)
        config.noReboot = true
        #expect(config.baseArguments() == ["-name", "guest=web,,1", "-no-user-config", "-nodefaults", "-display", "none", "-no-reboot"])
        #expect(config.machineArguments() == ["-machine", "type=q35", "-accel", "tcg"])
        #expect(config.cpuArguments() == ["-cpu", "max", "-smp", "2", "-m", "256"])
        config.accelerator = .kvm
        #expect(config.cpuArguments().prefix(2) == ["-cpu", "host"])
        config.cpuModel = "qemu64"
        #expect(config.cpuArguments().prefix(2) == ["-cpu", "qemu64"])
    }

    @Test("QMP, VNC, pidfile and daemonize are control arguments")
    func control() {
        var config = QemuConfiguration(name: "x")
        config.qmpSocketPath = "/run/q,1.sock"
        config.vncSocketPath = "/run/v,1.sock"
        config.pidFilePath = "/run/p,1.pid"
        config.daemonize = true
        #expect(config.controlArguments() == [
            "-chardev", "socket,id=qmp,path=/run/q,,1.sock,server=on,wait=off",
            "-mon", "chardev=qmp,mode=control",
            "-vnc", "unix:/run/v,,1.sock", "-device", "VGA",
            "-pidfile", "/run/p,1.pid",
            "-daemonize",
        ])
    }

    @Test("the sandbox is full in the foreground and relaxed for -daemonize")
    func sandbox() {
        var config = QemuConfiguration(name: "x")
        #expect(config.sandboxArguments().isEmpty)
        config.sandbox = true
        #expect(config.sandboxArguments() == ["-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"])
        config.daemonize = true
        #expect(config.sandboxArguments() == ["-sandbox", "on,obsolete=deny,resourcecontrol=deny"])
    }

    @Test("a full configuration composes every part in order")
    func full() throws {
        var config = QemuConfiguration(name: "vm", memoryMiB: 128)
        config.disks = [QemuDisk(path: "/d.qcow2")]
        config.network = QemuNetwork(forwards: [QemuPortForward(hostPort: 2222, guestPort: 22)])
        config.qmpSocketPath = "/q.sock"
        config.extraArguments = ["-S"]
        let arguments = try config.arguments()
        #expect(arguments.first == "-name")
        #expect(arguments.last == "-S")
        #expect(arguments.contains("virtio-blk-pci,drive=disk0,id=virtio-disk0"))
        #expect(arguments.contains("user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22"))
        #expect(arguments.contains("chardev=qmp,mode=control"))
    }
}
