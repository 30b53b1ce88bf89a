import Testing

@testable import SpinQemu

@Suite("QEMU arguments: virtiofs shares, UEFI firmware, virtiofsd")
struct QemuFileShareArgumentsTests {
    @Test("shares back RAM with a shared memfd named as the machine's memory backend and add one vhost-user-fs device each")
    func shares() throws {
        var config = QemuConfiguration(name: "web", accelerator: .tcg, memoryMiB: 768)
        #expect(try !config.arguments().contains("-object"), "no shares: qemu's own RAM")
        config.fileShares = [QemuFileShare(tag: "spin0", socketPath: "/run/spin/x/1/fs0.sock"), QemuFileShare(tag: "spin1", socketPath: "/run/spin/x/1/fs,1.sock")]
        let argv = try config.arguments()
        let object = try #require(argv.firstIndex(of: "-object"))
        #expect(argv[object + 1] == "memory-backend-memfd,id=ram0,size=768M,share=on")
        #expect(argv[argv.index(after: try #require(argv.firstIndex(of: "-machine")))] == "type=q35,memory-backend=ram0")
        #expect(argv.contains("socket,id=fs0,path=/run/spin/x/1/fs0.sock"))
        #expect(argv.contains("socket,id=fs1,path=/run/spin/x/1/fs,,1.sock"), "commas in paths are escaped")
        #expect(argv.contains("vhost-user-fs-pci,chardev=fs1,tag=spin1,id=virtiofs1"))
    }

    @Test("a tag longer than 36 bytes, a tag given twice and a socket path too long for a unix socket are refused")
    func badShares() {
        var config = QemuConfiguration(name: "web", accelerator: .tcg)
        config.fileShares = [QemuFileShare(tag: String(repeating: "t", count: 37), socketPath: "/run/fs0.sock")]
        #expect(throws: QemuConfigurationError.self) { try config.arguments() }
        config.fileShares = [QemuFileShare(tag: "a", socketPath: "/run/fs0.sock"), QemuFileShare(tag: "a", socketPath: "/run/fs1.sock")]
        #expect(throws: QemuConfigurationError.self) { try config.arguments() }
        config.fileShares = [QemuFileShare(tag: "a", socketPath: "/" + String(repeating: "d", count: 120))]
        #expect(throws: QemuConfigurationError.self) { try config.arguments() }
    }

    @Test("UEFI puts the code read-only on pflash unit 0 and the VM's qcow2 variables on unit 1")
    func firmware() throws {
        var config = QemuConfiguration(name: "web", accelerator: .tcg)
        config.firmware = QemuFirmware(codePath: "/usr/share/OVMF/OVMF_CODE_4M.fd", variablesPath: "/var/lib/spin/vms/1/efivars.qcow2")
        let argv = try config.arguments()
        #expect(argv.contains("if=pflash,unit=0,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"))
        #expect(argv.contains("if=pflash,unit=1,format=qcow2,file=/var/lib/spin/vms/1/efivars.qcow2"))
    }

    @Test("virtiofsd: socket, source, cache, namespace sandbox, the socket's group; commas and backslashes are not servable")
    func daemon() {
        let daemon = QemuVirtiofsd(socketPath: "/run/spin/x/1/fs0.sock", sourceDirectory: "/home/me/src", socketGroup: "spin-qemu")
        #expect(daemon.arguments(daemonize: false) == [
            "--socket-path=/run/spin/x/1/fs0.sock", "-o", "source=/home/me/src", "-o", "cache=auto", "-o", "sandbox=namespace",
            "--socket-group=spin-qemu", "-f",
        ])
        #expect(daemon.arguments(daemonize: true).last == "--daemonize")
        #expect(QemuVirtiofsd.isServable("/home/me/src"))
        #expect(!QemuVirtiofsd.isServable("/home/me/a,b"))
        #expect(!QemuVirtiofsd.isServable("/home/me/a\\b"))
    }
}
