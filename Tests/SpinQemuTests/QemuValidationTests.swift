import Testing
@testable import SpinQemu

@Suite("QemuConfiguration validation")
struct QemuValidationTests {
    private func error(_ change: (inout QemuConfiguration) -> Void) -> QemuConfigurationError? {
        var config = QemuConfiguration(name: "vm")
        change(&config)
        do {
            try config.validate()
            return nil
        } catch {
            return error
        }
    }

    @Test("a minimal configuration is valid")
    func minimal() { #expect(error { _ in } == nil) }

    @Test("ports outside 1...65535 are rejected", arguments: [0, 65536, -1])
    func ports(port: Int) {
        #expect(error { $0.network = QemuNetwork(forwards: [QemuPortForward(hostPort: port, guestPort: 80)]) }?.field
            == "network.forwards[0].hostPort")
        #expect(error { $0.network = QemuNetwork(forwards: [QemuPortForward(hostPort: 80, guestPort: port)]) }?.field
            == "network.forwards[0].guestPort")
    }

    @Test("the edge ports 1 and 65535 are accepted")
    func edgePorts() {
        #expect(error { $0.network = QemuNetwork(forwards: [QemuPortForward(hostPort: 1, guestPort: 65535)]) } == nil)
    }

    @Test("a host address must be IPv4 or empty")
    func hostAddress() {
        #expect(error { $0.network = QemuNetwork(forwards: [QemuPortForward(hostAddress: "localhost", hostPort: 1, guestPort: 2)]) }?.field
            == "network.forwards[0].hostAddress")
        #expect(error { $0.network = QemuNetwork(forwards: [QemuPortForward(hostAddress: "", hostPort: 1, guestPort: 2)]) } == nil)
    }

    @Test("the same host port forwarded twice is rejected")
    func duplicateForward() {
        let forward = QemuPortForward(hostPort: 8080, guestPort: 80)
        #expect(error { $0.network = QemuNetwork(forwards: [forward, forward]) }?.field == "network.forwards[1]")
        let udp = QemuPortForward(transport: .udp, hostPort: 8080, guestPort: 80)
        #expect(error { $0.network = QemuNetwork(forwards: [forward, udp]) } == nil)
    }

    @Test("MAC addresses must be six hex pairs, unicast and not zero",
          arguments: ["52:54:00:12:34", "01:00:5e:00:00:01", "00:00:00:00:00:00", "52:54:00:12:34:zz", "525400123456"])
    func badMAC(mac: String) {
        #expect(error { $0.network = QemuNetwork(macAddress: mac) }?.field == "network.macAddress")
    }

    @Test("a good MAC address is accepted")
    func goodMAC() { #expect(error { $0.network = QemuNetwork(macAddress: "52:54:00:AB:cd:01") } == nil) }

    @Test("auto must be resolved before building arguments")
    func autoRejected() {
        let failure = error { $0.accelerator = .auto }
        #expect(failure?.field == "accelerator")
        #expect(failure?.reason.contains("AcceleratorProbe") == true)
    }

    @Test("CPU count, memory, name and paths are checked")
    func basics() {
        #expect(error { $0.cpuCount = 0 }?.field == "cpuCount")
        #expect(error { $0.memoryMiB = 8 }?.field == "memoryMiB")
        #expect(error { $0.name = "" }?.field == "name")
        #expect(error { $0.disks = [QemuDisk(path: "")] }?.field == "disks[0].path")
        #expect(error { $0.disks = [QemuDisk(path: "/d", interface: .ide, readOnly: true)] }?.field == "disks[0].readOnly")
        #expect(error { $0.cdroms = Array(repeating: QemuCDROM(path: "/c"), count: 7) }?.field == "cdroms")
        #expect(error { $0.cdroms = [QemuCDROM(path: "")] }?.field == "cdroms[0].path")
        #expect(error { $0.directBoot = QemuDirectBoot(kernel: "") }?.field == "directBoot.kernel")
    }

    @Test("unix socket paths longer than 107 bytes are rejected")
    func longSocket() {
        let long = "/" + String(repeating: "a", count: 107)
        #expect(error { $0.qmpSocketPath = long }?.field == "qmpSocketPath")
        #expect(error { $0.vncSocketPath = long }?.field == "vncSocketPath")
        #expect(error { $0.serial = QemuSerial(socketPath: long) }?.field == "serial.socketPath")
        #expect(error { $0.qmpSocketPath = String(long.dropLast()) } == nil)
    }

    @Test("arguments() validates first")
    func argumentsValidate() {
        let config = QemuConfiguration(name: "vm", accelerator: .auto)
        #expect(throws: QemuConfigurationError.self) { try config.arguments() }
    }
}
