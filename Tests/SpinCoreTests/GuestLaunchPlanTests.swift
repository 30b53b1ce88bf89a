import Foundation
import SpinQemu
import Testing
@testable import SpinCore

@Suite("the launch plan's guest agent channel and cloud-init seed")
struct GuestLaunchPlanTests {
    static func planner(_ root: SpinRoot) throws -> LaunchPlanner {
        LaunchPlanner(root: root, binary: try QemuBinary.discover())
    }

    @Test("every VM gets the agent channel on qga.sock in its runtime directory; a cloud-init VM also the read-only seed drive, read by qemu")
    func channelAndSeed() async throws {
        let root = SpinRoot(explicit: "/srv/spin")
        let paths = RuntimePaths(root: root, vmID: 7)
        let plain = try await Self.planner(root).plan(for: VM(id: 7, name: "plain"), volumes: [:])
        #expect(plain.arguments.contains("socket,id=qga0,path=\(paths.guestAgentSocket),server=on,wait=off"))
        #expect(plain.arguments.contains("virtserialport,bus=virtio-serial0.0,chardev=qga0,name=org.qemu.guest_agent.0"))
        #expect(!plain.arguments.joined(separator: " ").contains("seed"))
        #expect(paths.guestAgentSocket.utf8.count < 108)

        let vm = VM(id: 7, name: "web", cloudInit: CloudInit(authorizedKeys: ["ssh-ed25519 AAAA k"], instanceID: "spin-1"))
        let plan = try await Self.planner(root).plan(for: vm, volumes: [:])
        #expect(plan.arguments.contains("file=/srv/spin/vms/7/seed.iso,format=raw,if=none,id=seed0,readonly=on"))
        #expect(plan.files.contains(LaunchFile(what: LaunchFile.seedImage, path: "/srv/spin/vms/7/seed.iso", access: .read, granted: true)))
        // In a sandboxed unit the seed is bound read-only.
        var sandboxed = plan
        sandboxed.qemuUser = QemuUser(name: "spin-qemu", uid: 999, gid: 995, groups: [995])
        let unit = try SystemdSupervisor.unitFile(for: sandboxed, root: root, helperCommand: ["/usr/bin/spin"], scope: .system).rendered()
        #expect(unit.contains("BindReadOnlyPaths=/srv/spin/vms/7/seed.iso"))
    }

    @Test("the seed says the VM's instance id, host name, user and keys")
    func seed() throws {
        let vm = VM(id: 3, name: "web_1", cloudInit: CloudInit(userName: "ops", authorizedKeys: ["ssh-ed25519 AAAA k"], instanceID: "spin-abc"))
        let seed = try EmulationAgent.seed(for: vm, try #require(vm.cloudInit))
        #expect(seed.instanceID == "spin-abc" && seed.hostname == "web-1" && seed.userName == "ops" && seed.authorizedKeys == ["ssh-ed25519 AAAA k"])
        var old = vm
        old.cloudInit?.instanceID = nil
        #expect(try EmulationAgent.seed(for: old, try #require(old.cloudInit)).instanceID == "spin-3")
    }
}
