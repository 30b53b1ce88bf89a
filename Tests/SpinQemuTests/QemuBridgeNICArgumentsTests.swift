import Testing
@testable import SpinQemu

@Suite("QemuBridgeNIC: NICs on an existing bridge through qemu-bridge-helper")
struct QemuBridgeNICArgumentsTests {
    @Test("a bridge NIC is -netdev bridge naming the bridge and helper plus a virtio-net-pci with its MAC, after the user-mode NIC; commas in the helper path are escaped")
    func arguments() throws {
        let nic = QemuBridgeNIC(bridge: "br0", macAddress: "52:54:01:aa:bb:cc")
        #expect(nic.qemuArguments(index: 1) == [
            "-netdev", "bridge,id=br1,br=br0,helper=/usr/lib/qemu/qemu-bridge-helper",
            "-device", "virtio-net-pci,netdev=br1,id=brnic1,mac=52:54:01:aa:bb:cc",
        ])
        let odd = QemuBridgeNIC(bridge: "br0", helper: "/opt/a,b/helper", macAddress: "52:54:01:aa:bb:cc")
        #expect(odd.qemuArguments(index: 0)[1] == "bridge,id=br0,br=br0,helper=/opt/a,,b/helper")
        var config = QemuConfiguration(name: "web", accelerator: .tcg, memoryMiB: 256)
        config.network = QemuNetwork(macAddress: "52:54:00:aa:bb:cc")
        config.bridges = [nic]
        let argv = try config.arguments()
        let user = try #require(argv.firstIndex(of: "user,id=net0"))
        let bridge = try #require(argv.firstIndex(of: "bridge,id=br0,br=br0,helper=/usr/lib/qemu/qemu-bridge-helper"))
        #expect(user < bridge)
    }
}
