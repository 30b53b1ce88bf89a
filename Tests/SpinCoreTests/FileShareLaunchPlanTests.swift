import Foundation
import SpinQemu
import Testing
@testable import SpinCore

@Suite("the launch plan's shared folders and UEFI firmware")
struct FileShareLaunchPlanTests {
    @Test("each share gets a virtiofsd on fs<N>.sock, a tagged device and shared RAM; the systemd unit starts the daemons in ExecStartPre; the seed mounts them", .enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: QemuVirtiofsd.defaultPath)))
    func shares() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spin-share-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let root = SpinRoot(explicit: "/srv/spin")
        let paths = RuntimePaths(root: root, vmID: 7)
        let vm = VM(id: 7, name: "web", cloudInit: CloudInit(instanceID: "i-7"), mounts: [
            SharedFolder(hostPath: directory, guestPath: "/src"), SharedFolder(hostPath: directory, guestPath: "/ro", readOnly: true),
        ])
        let plan = try await GuestLaunchPlanTests.planner(root).plan(for: vm, volumes: [:])
        #expect(plan.fileShareDaemons.map(\.socketPath) == [paths.fileShareSocket(0), paths.fileShareSocket(1)])
        #expect(plan.fileShareDaemons.allSatisfy { $0.sourceDirectory == directory })
        #expect(plan.arguments.contains("vhost-user-fs-pci,chardev=fs1,tag=spin1,id=virtiofs1"))
        #expect(plan.arguments.contains("type=q35,memory-backend=ram0"))
        #expect(paths.fileShareSocket(0).utf8.count < 108)

        var sandboxed = plan
        sandboxed.qemuUser = QemuUser(name: "spin-qemu", uid: 999, gid: 995, groups: [995])
        let unit = try SystemdSupervisor.unitFile(for: sandboxed, root: root, helperCommand: ["/usr/bin/spin"], scope: .system).rendered()
        #expect(unit.contains("ExecStartPre=+/usr/bin/setsid --fork /usr/lib/qemu/virtiofsd --socket-path=\(paths.fileShareSocket(1))"), "\(unit)")
        #expect(unit.contains("ExecStartPre=+/bin/rm -f -- \(paths.fileShareSocket(0))"), "\(unit)")

        let seed = try EmulationAgent.seed(for: vm, try #require(vm.cloudInit))
        #expect(seed.mounts == [.init(tag: "spin0", path: "/src", readOnly: false), .init(tag: "spin1", path: "/ro", readOnly: true)])
    }

    @Test("a share whose directory is missing is refused at plan time, naming it and the fix")
    func missingDirectory() async throws {
        let vm = VM(id: 7, name: "web", mounts: [SharedFolder(hostPath: "/nonexistent/spin-share", guestPath: "/src")])
        let error = await spinError { _ = try await GuestLaunchPlanTests.planner(SpinRoot(explicit: "/srv/spin")).plan(for: vm, volumes: [:]) }
        #expect(error?.code == .failedPrecondition)
    }

    @Test("UEFI: OVMF's code read-only (the caller's file), the VM's own qcow2 variables read-write (spin's)", .enabled(if: (try? OVMFFirmware.locate()) != nil))
    func uefi() async throws {
        let root = SpinRoot(explicit: "/srv/spin")
        let ovmf = try OVMFFirmware.locate()
        let plan = try await GuestLaunchPlanTests.planner(root).plan(for: VM(id: 7, name: "web", firmware: .uefi), volumes: [:])
        #expect(plan.arguments.contains("if=pflash,unit=0,format=raw,readonly=on,file=\(ovmf.code)"))
        #expect(plan.arguments.contains("if=pflash,unit=1,format=qcow2,file=/srv/spin/vms/7/efivars.qcow2"))
        #expect(plan.files.contains(LaunchFile(what: LaunchFile.efiVariables, path: "/srv/spin/vms/7/efivars.qcow2", access: .readWrite, granted: true)))
        #expect(plan.files.contains(LaunchFile(what: "UEFI firmware", path: ovmf.code, access: .read, granted: false)))
        let bios = try await GuestLaunchPlanTests.planner(root).plan(for: VM(id: 7, name: "web"), volumes: [:])
        #expect(!bios.arguments.contains { $0.contains("pflash") })
    }
}
