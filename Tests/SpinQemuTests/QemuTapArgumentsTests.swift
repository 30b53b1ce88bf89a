import Testing
@testable import SpinQemu

@Suite("QemuTap: NICs on existing tap devices")
struct QemuTapArgumentsTests {
    @Test("a tap NIC is -netdev tap with no scripts plus a virtio-net-pci with its MAC, after the user-mode NIC")
    func arguments() throws {
        let tap = QemuTap(ifname: "spt12n0", macAddress: "52:54:01:aa:bb:cc")
        #expect(tap.qemuArguments(index: 1) == [
            "-netdev", "tap,id=tap1,ifname=spt12n0,script=no,downscript=no",
            "-device", "virtio-net-pci,netdev=tap1,id=tapnic1,mac=52:54:01:aa:bb:cc",
        ])
        var config = QemuConfiguration(name: "web", accelerator: .tcg, memoryMiB: 256)
        config.network = QemuNetwork(macAddress: "52:54:00:aa:bb:cc")
        config.taps = [tap]
        let argv = try config.arguments()
        let user = try #require(argv.firstIndex(of: "user,id=net0"))
        let tapIndex = try #require(argv.firstIndex(of: "tap,id=tap0,ifname=spt12n0,script=no,downscript=no"))
        #expect(user < tapIndex)
    }
}
