import Foundation
@testable import SpinCore
import SpinStore
import Testing

@Suite("systemd units of managed networks: a VM with NICs, a network's dnsmasq")
struct NetworkUnitTests {
    @Test("qemu may open /dev/net/tun (DeviceAllow), which is not bound in as a file; without taps it may not")
    func tunDevice() throws {
        let root = SpinRoot(explicit: "/srv/spin")
        var plan = SystemdSandboxUnitTests.plan()
        plan.taps = [LaunchTap(name: "spt7n0", bridge: "spinbr0", macAddress: "52:54:01:00:00:07")]
        plan.files.append(LaunchFile(what: LaunchFile.tunDevice, path: "/dev/net/tun", access: .readWrite, granted: true))
        let lines = try SystemdSupervisor.unitFile(for: plan, root: root, helperCommand: ["/usr/bin/spin"], scope: .system).rendered().split(separator: "\n").map(String.init)
        #expect(lines.contains("DeviceAllow=/dev/net/tun rw") && lines.contains("DeviceAllow=/dev/kvm rw"))
        #expect(!lines.contains { $0.hasPrefix("BindPaths=") && $0.contains("/dev/net/tun") })
        let plain = try SystemdSupervisor.unitFile(for: SystemdSandboxUnitTests.plan(), root: root, helperCommand: ["/usr/bin/spin"], scope: .system).rendered()
        #expect(!plain.contains("/dev/net/tun"))
    }

    @Test("a VM with taps: its unit asks spin for them before qemu (privileged when sandboxed), and a user manager's runtime directory is passed on; without taps or a helper, no such step")
    func tapsBeforeQemu() throws {
        let root = SpinRoot(explicit: "/srv/spin")
        var plan = SystemdSandboxUnitTests.plan()
        plan.taps = [LaunchTap(name: "spt7n0", bridge: "spinbr0", macAddress: "52:54:01:00:00:07")]
        let text = try SystemdSupervisor.unitFile(for: plan, root: root, helperCommand: ["/usr/bin/spin"], scope: .system).rendered()
        #expect(text.contains("ExecStartPre=+/usr/bin/spin network taps 7 --root /srv/spin\n"), "\(text)")
        #expect(!text.contains("XDG_RUNTIME_DIR"))
        let user = try SystemdSupervisor.unitFile(for: plan, root: root, helperCommand: ["/usr/bin/spin"], scope: .user(runtimeDirectory: "/run/user/0"), unitDirectory: "/home/a/.config/systemd/user").rendered()
        #expect(user.contains("Environment=XDG_RUNTIME_DIR=/run/user/0") && user.contains("Environment=XDG_CONFIG_HOME=/home/a/.config"), "\(user)")
        #expect(!(try SystemdSupervisor.unitFile(for: plan, root: root, helperCommand: nil, scope: .system).rendered()).contains("network taps"))
        #expect(!(try SystemdSupervisor.unitFile(for: SystemdSandboxUnitTests.plan(), root: root, helperCommand: ["/usr/bin/spin"], scope: .system).rendered()).contains("network taps"))
    }

    @Test("tap names fit the 15-byte interface limit for ids below 10^10")
    func tapNames() {
        #expect(LaunchTap.name(vmID: 9_999_999_999, index: 3).utf8.count == 15)
        #expect(LaunchTap.name(vmID: 12, index: 0) == "spt12n0")
    }

    @Test("a network's dnsmasq unit: dnsmasq in the foreground on the network's own configuration, restarted on failure after 1 s, logging to the network's directory, tagged with the root")
    func dnsmasqUnit() throws {
        let root = SpinRoot(explicit: "/srv/spin")
        let paths = NetworkPaths(root: root, name: "lan")
        let unit = DnsmasqUnits.unitFile(network: "lan", paths: paths, dnsmasq: "/usr/sbin/dnsmasq", root: root)
        #expect(unit.name == "spin-net-lan.service")
        let lines = try unit.rendered().split(separator: "\n").map(String.init)
        #expect(lines.contains("ExecStart=/usr/sbin/dnsmasq --keep-in-foreground --conf-file=/srv/spin/networks/lan/dnsmasq.conf"))
        #expect(lines.contains("Restart=on-failure") && lines.contains("RestartSec=1s") && !lines.contains("Restart=no"))
        #expect(lines.contains("StandardError=append:/srv/spin/networks/lan/dnsmasq.log"))
        #expect(lines.contains { $0.hasPrefix("Description=") && $0.contains("[spin root /srv/spin]") })
        // A VM's unit still never restarts by itself.
        let vm = try SystemdSupervisor.unitFile(for: SystemdSandboxUnitTests.plan(), root: root, helperCommand: nil, scope: .system).rendered()
        #expect(vm.contains("Restart=no\n") && !vm.contains("RestartSec"))
    }
}
