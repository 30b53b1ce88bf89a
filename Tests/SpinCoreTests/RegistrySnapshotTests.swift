import Foundation
import SpinCore
import SpinQemu
import Testing

@Suite("Registry snapshots and snapshot targets")
struct RegistrySnapshotTests {
    @Test("a reserved snapshot is creating, reads back, turns ready; a second of the same name is a conflict that changes nothing")
    func reserveAndUpdate() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        let web = try r.createVM(VMSpec(name: "web"))
        let (reserved, _) = try r.reserveSnapshot(vm: "web", name: "before.upgrade", memory: true) { _, _ in }
        #expect(reserved.state == .creating && reserved.memory && reserved.vmID == web.id)
        #expect(try r.snapshot(vmID: web.id, name: "before.upgrade") == reserved)
        let before = try temp.snapshot()
        let conflict = try #require(spinError { _ = try r.reserveSnapshot(vm: "web", name: "before.upgrade", memory: false) { _, _ in } })
        #expect(conflict.code == .conflict && conflict.message.contains("spin snapshot delete web before.upgrade"))
        #expect(try temp.snapshot() == before)
        let ready = try r.updateSnapshot(vmID: web.id, name: "before.upgrade") {
            $0.state = .ready
            $0.disks = [SnapshotDisk(name: "vol1/web.qcow2", diskBytes: 4096, vmStateBytes: 1024)]
            $0.name = "renamed"
        }
        #expect(ready.state == .ready && ready.name == "before.upgrade" && ready.disks.count == 1)
        #expect(try r.snapshots(vmID: web.id).map(\.name) == ["before.upgrade"])
    }

    @Test("bad names are refused naming the field and the rule; numbers are never names (qemu-img reads them as ids)")
    func names() throws {
        let temp = try TemporaryRegistry()
        _ = try temp.registry.createVM(VMSpec(name: "web"))
        let before = try temp.snapshot()
        for name in ["", "1", "12", "-x", "a..b", "a/b", "a b", String(repeating: "a", count: 64)] {
            let error = try #require(spinError { _ = try temp.registry.reserveSnapshot(vm: "web", name: name, memory: false) { _, _ in } }, "\(name)")
            #expect(error.code == .invalidArgument && error.message.contains("name"), "\(name): \(error.message)")
        }
        #expect(try temp.snapshot() == before)
        for name in ["a", "s1", "before-upgrade", "v1.2_rc"] { #expect(Snapshot.validateName(name).isEmpty, "\(name)") }
        let missing = try #require(spinError { _ = try temp.registry.reserveSnapshot(vm: "nope", name: "s1", memory: false) { _, _ in } })
        #expect(missing.code == .notFound)
    }

    @Test("deleting a VM deletes its snapshot records and no other VM's")
    func deletedWithVM() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        let web = try r.createVM(VMSpec(name: "web"))
        let db = try r.createVM(VMSpec(name: "db"))
        for name in ["a", "b"] {
            _ = try r.reserveSnapshot(vm: "web", name: name, memory: false) { _, _ in }
            _ = try r.reserveSnapshot(vm: "db", name: name, memory: false) { _, _ in }
        }
        try r.deleteVM("web")
        #expect(try r.snapshots(vmID: web.id).isEmpty)
        #expect(try r.snapshots(vmID: db.id).map(\.name) == ["a", "b"])
        #expect(try r.forgetSnapshot(vmID: db.id, name: "a"))
        #expect(try !r.forgetSnapshot(vmID: db.id, name: "a"))
    }

    @Test("targets: every qcow2 disk in storage order, then the UEFI variables; CD-ROMs left out; a raw disk refused with the fix")
    func targets() throws {
        var vm = VM(id: 3, name: "web", storage: [.disk(volume: "vol1", image: "web.qcow2"), .cdrom(path: "/srv/x.iso"), .disk(volume: "vol2", image: "data.qcow2")])
        let images = [
            "vol1/web.qcow2": Image(volume: "vol1", name: "web.qcow2", sizeBytes: 1 << 20),
            "vol2/data.qcow2": Image(volume: "vol2", name: "data.qcow2", sizeBytes: 1 << 20),
            "vol2/plain.raw": Image(volume: "vol2", name: "plain.raw", sizeBytes: 1 << 20, format: .raw),
        ]
        let paths = ["vol1": "/srv/vol1", "vol2": "/srv/vol2"]
        let targets = try SnapshotTarget.targets(of: vm, images: images, volumePaths: paths, variableStore: "/root/vms/3/efivars.qcow2")
        #expect(targets == [
            SnapshotTarget(label: "vol1/web.qcow2", path: "/srv/vol1/web.qcow2"),
            SnapshotTarget(label: "vol2/data.qcow2", path: "/srv/vol2/data.qcow2"),
            SnapshotTarget(label: "efivars", path: "/root/vms/3/efivars.qcow2"),
        ])
        vm.storage.append(.disk(volume: "vol2", image: "plain.raw"))
        let error = try #require(spinError { _ = try SnapshotTarget.targets(of: vm, images: images, volumePaths: paths, variableStore: nil) })
        #expect(error.code == .failedPrecondition && error.message.contains("vol2/plain.raw") && error.message.contains("spin image copy -f qcow2"))
    }
}
