import Foundation
import SpinCore
import Testing

@Suite("Registry VMs")
struct RegistryVMTests {
    @Test("a created VM gets the next id and reads back by id, by name and in the list")
    func createAndRead() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        let web = try r.createVM(VMSpec(name: "web", cpus: 2, labels: ["team": "core"]))
        let db = try r.createVM(VMSpec(name: "db"))
        #expect(web.id == 1 && db.id == 2)
        #expect(web.createdAt == web.updatedAt)
        #expect(try r.vm("web") == web)
        #expect(try r.vm("1") == web)
        #expect(try r.vm(id: 2) == db)
        #expect(try r.listVMs() == [web, db])
    }

    @Test("an unknown id or name is not found, with a hint to list VMs")
    func notFound() throws {
        let temp = try TemporaryRegistry()
        for ref in ["nope", "7", "99999999999999999999999", "", String(repeating: "x", count: 600)] {
            let error = try #require(spinError { _ = try temp.registry.vm(ref) })
            #expect(error.code == .notFound)
            #expect(error.message == "VM \"\(ref)\" does not exist; list VMs with spin vm list")
        }
    }

    @Test("creating a VM with new images records them attached to it, in one go")
    func createWithImages() throws {
        let temp = try TemporaryRegistry()
        try temp.volume()
        let spec = VMSpec(
            name: "web", storage: [.disk(volume: "vol1", image: "web.qcow2"), .cdrom(path: "/iso/d.iso")],
            newImages: [ImageSpec(volume: "vol1", name: "web.qcow2", sizeBytes: 1 << 30)])
        let vm = try temp.registry.createVM(spec)
        let image = try temp.registry.image(volume: "vol1", name: "web.qcow2")
        #expect(image.attachedTo == vm.id && image.sizeBytes == 1 << 30 && image.format == .qcow2)
        #expect(vm.storage.map(\.kind) == [.disk, .cdrom])
    }

    @Test("an update is revalidated, bumps updatedAt, keeps createdAt and moves the name and port indexes")
    func update() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        let old = try r.createVM(VMSpec(name: "web", ports: [PortForward(guestPort: 80, hostAddress: "127.0.0.1", hostPort: 8080)]))
        let new = try r.updateVM("web") { vm in
            vm.name = "www"
            vm.memoryMiB = 1024
            vm.ports = [PortForward(guestPort: 80, hostAddress: "127.0.0.1", hostPort: 9090)]
            vm.createdAt = .distantPast
        }
        #expect(new.createdAt == old.createdAt && new.updatedAt >= old.updatedAt && new.memoryMiB == 1024)
        #expect(try r.vm("www") == new)
        #expect(spinError { _ = try r.vm("web") }?.code == .notFound)
        _ = try r.createVM(VMSpec(name: "web", ports: [PortForward(guestPort: 80, hostAddress: "127.0.0.1", hostPort: 8080)]))
        let invalid = spinError { _ = try r.updateVM("www") { $0.cpus = 0 } }
        #expect(invalid?.code == .invalidArgument && invalid?.message == "cpus 0 is too small; give at least 1")
        #expect(spinError { _ = try r.updateVM("www") { $0.id = 9 } }?.code == .invalidArgument)
        struct Refusal: Error {}
        #expect(throws: Refusal.self) { try r.updateVM("www") { _ in throw Refusal() } }
        #expect(try r.vm("www") == new)
    }

    @Test("an update may keep its own name and ports without conflicting with itself")
    func updateSelf() throws {
        let temp = try TemporaryRegistry()
        try temp.registry.createVM(VMSpec(name: "web", ports: [PortForward(guestPort: 80, hostAddress: "0.0.0.0", hostPort: 8080)]))
        let vm = try temp.registry.updateVM("1") { $0.labels["x"] = "y" }
        #expect(vm.labels == ["x": "y"])
    }

    @Test("deleting a VM removes it and its indexes, frees its images and keeps their records")
    func delete() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        try temp.volume()
        let before = try temp.snapshot()
        let spec = VMSpec(
            name: "web", ports: [PortForward(guestPort: 80, hostAddress: "127.0.0.1", hostPort: 8080)],
            storage: [.disk(volume: "vol1", image: "a.img")], newImages: [ImageSpec(volume: "vol1", name: "a.img", sizeBytes: 1, format: .raw)])
        let vm = try r.createVM(spec)
        #expect(try r.deleteVM("web") == vm)
        #expect(try r.listVMs().isEmpty)
        #expect(try r.image(volume: "vol1", name: "a.img").attachedTo == nil)
        let after = try temp.snapshot()
        #expect(after["vm.names"] == before["vm.names"] && after["vm.ports"] == before["vm.ports"] && after["vms"] == before["vms"])
        // The name, port and image are free again; ids are never reused.
        var reuse = spec
        reuse.newImages = []
        #expect(try r.createVM(reuse).id == 2)
    }

    @Test("storage attaches at the end, with an optional new image, and detaches by index")
    func attachDetach() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        try temp.volume()
        try r.createImage(ImageSpec(volume: "vol1", name: "data.img", sizeBytes: 10))
        try r.createVM(VMSpec(name: "web", storage: [.cdrom(path: "/a.iso")]))
        var vm = try r.attachStorage(vm: "web", .disk(volume: "vol1", image: "data.img"))
        vm = try r.attachStorage(vm: "1", .disk(volume: "vol1", image: "new.img"), newImage: ImageSpec(volume: "vol1", name: "new.img", sizeBytes: 5))
        #expect(vm.storage == [.cdrom(path: "/a.iso"), .disk(volume: "vol1", image: "data.img"), .disk(volume: "vol1", image: "new.img")])
        #expect(try r.listImages(volume: "vol1").map(\.attachedTo) == [1, 1])
        vm = try r.detachStorage(vm: "web", index: 1)
        #expect(vm.storage == [.cdrom(path: "/a.iso"), .disk(volume: "vol1", image: "new.img")])
        #expect(try r.image(volume: "vol1", name: "data.img").attachedTo == nil)
        let error = spinError { _ = try r.detachStorage(vm: "web", index: 2) }
        #expect(error?.code == .notFound && error?.message == "VM 1 (\"web\") has no drive at index 2; its drives are 0...1")
        let mismatch = spinError {
            _ = try r.attachStorage(vm: "web", .disk(volume: "vol1", image: "x.img"), newImage: ImageSpec(volume: "vol1", name: "y.img", sizeBytes: 1))
        }
        #expect(mismatch?.code == .invalidArgument)
    }
}
