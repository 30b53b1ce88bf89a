import Testing
@testable import SpinCore

@Suite("the unit of a VM whose qemu runs as another user")
struct SystemdSandboxUnitTests {
    static let user = QemuUser(name: "spin-qemu", uid: 999, gid: 995, groups: [995])

    static func plan() -> LaunchPlan {
        var plan = SystemdUnitFileTests.plan(autostart: false)
        plan.qemuUser = user
        plan.files = [
            LaunchFile(what: "disk image", path: "/srv/vol one/web.qcow2", access: .readWrite, granted: true),
            LaunchFile(what: "CD-ROM", path: "/srv/iso/a:b%.iso", access: .read, granted: false),
            LaunchFile(what: "serial log", path: "/srv/spin/vms/7/serial.log", access: .readWrite, granted: true),
        ]
        return plan
    }

    @Test("runs qemu as the user, binds in exactly the VM's files and runs spin's own commands with full rights")
    func sandboxedUnit() throws {
        let root = SpinRoot(explicit: "/srv/spin")
        let unit = SystemdSupervisor.unitFile(for: Self.plan(), root: root, helperCommand: ["/usr/bin/spin"], scope: .system)
        let lines = try unit.rendered().split(separator: "\n").map(String.init)
        let runtime = RuntimePaths(root: root, vmID: 7).runtimeDirectory
        #expect(lines.contains("User=spin-qemu"))
        #expect(lines.contains("Group=995"))
        for directive in ["NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=tmpfs", "PrivateTmp=yes", "DevicePolicy=closed", "DeviceAllow=/dev/kvm rw", "CapabilityBoundingSet="] {
            #expect(lines.contains(directive), "missing \(directive)")
        }
        #expect(lines.filter { $0.hasPrefix("BindPaths=") } == ["BindPaths=/srv/vol\\ one/web.qcow2", "BindPaths=-/srv/spin/vms/7/serial.log", "BindPaths=-\(runtime)"])
        #expect(lines.filter { $0.hasPrefix("BindReadOnlyPaths=") } == ["BindReadOnlyPaths=/srv/iso/a\\:b%%.iso"])
        #expect(lines.filter { $0.hasPrefix("ExecStartPre=") } == [
            "ExecStartPre=+/usr/bin/install -d -m 0700 -o 999 -g 995 \(runtime)",
            "ExecStartPre=+/usr/bin/touch -- \(RuntimePaths(root: root, vmID: 7).serialLog)",
            "ExecStartPre=+/bin/chown --no-dereference 999:995 -- \(RuntimePaths(root: root, vmID: 7).serialLog)",
        ])
        #expect(lines.contains { $0.hasPrefix("ExecStop=+/usr/bin/spin qmp shutdown 7") })
        #expect(lines.contains { $0.hasPrefix("ExecStart=/usr/bin/qemu-system-x86_64 ") })
    }

    @Test("a unit for qemu as spin's own user has no sandbox and no privileged prefixes")
    func plainUnit() throws {
        let unit = SystemdSupervisor.unitFile(for: SystemdUnitFileTests.plan(autostart: false), root: SpinRoot(explicit: "/srv/spin"), helperCommand: ["/usr/bin/spin"], scope: .system)
        let text = try unit.rendered()
        #expect(!text.contains("User="))
        #expect(!text.contains("=+/"))
    }

    @Test("a bind path with a line break cannot be written")
    func controlCharacterRefused() {
        #expect(throws: SpinError.self) { try UnitSandbox.pathWord("/srv/a\nb", field: "BindPaths") }
    }
}
