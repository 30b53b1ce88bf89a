import Foundation
import SpinCore
import SpinModel
import Testing

/// The registry's contract for VMs, on LMDB and on PostgreSQL: the same calls, the same answers
/// (ported from SpinCoreTests' Registry*Tests), and races between two registries on one store.
@Suite("Registry contract on both stores: VMs, conflicts, races", .serialized)
struct RegistryContractTests {
    @Test("a created VM gets the next id and reads back by id, by name and in the list; an unknown ref is not found", arguments: StoreKind.allCases)
    func createAndRead(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let r = f.registry
            let web = try await r.createVM(VMSpec(name: "web", cpus: 2, labels: ["team": "core"]))
            let db = try await r.createVM(VMSpec(name: "db"))
            #expect(web.id == 1 && db.id == 2)
            #expect(web.createdAt == web.updatedAt && web.macAddress != nil && web.macAddress != db.macAddress)
            #expect(try await r.vm("web") == web)
            #expect(try await r.vm("1") == web)
            #expect(try await f.other.vm(id: 2) == db)
            #expect(try await f.other.listVMs() == [web, db])
            for ref in ["nope", "7", "99999999999999999999999", "", String(repeating: "x", count: 600)] {
                let error = try #require(await spinError { _ = try await r.vm(ref) })
                #expect(error.code == .notFound && error.message == "VM \"\(ref)\" does not exist; list VMs with spin vm list")
            }
        }
    }

    @Test("creating a VM with new images records them attached to it, in one go", arguments: StoreKind.allCases)
    func createWithImages(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            try await f.volume()
            let spec = VMSpec(
                name: "web", storage: [.disk(volume: "vol1", image: "web.qcow2"), .cdrom(path: "/iso/d.iso")],
                newImages: [ImageSpec(volume: "vol1", name: "web.qcow2", sizeBytes: 1 << 30)])
            let vm = try await f.registry.createVM(spec)
            let image = try await f.other.image(volume: "vol1", name: "web.qcow2")
            #expect(image.attachedTo == vm.id && image.sizeBytes == 1 << 30 && image.format == .qcow2)
            #expect(vm.storage.map(\.kind) == [.disk, .cdrom])
        }
    }

    @Test("an update is revalidated, bumps updatedAt, keeps createdAt and moves the name and ports; a refused one changes nothing", arguments: StoreKind.allCases)
    func update(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let r = f.registry
            let old = try await r.createVM(VMSpec(name: "web", ports: [port("127.0.0.1")]))
            let new = try await r.updateVM("web") { vm in
                vm.name = "www"
                vm.memoryMiB = 1024
                vm.ports = [port("127.0.0.1", 9090)]
                vm.createdAt = .distantPast
            }
            #expect(new.createdAt == old.createdAt && new.updatedAt >= old.updatedAt && new.memoryMiB == 1024)
            #expect(try await f.other.vm("www") == new)
            #expect(await spinError { _ = try await r.vm("web") }?.code == .notFound)
            _ = try await r.createVM(VMSpec(name: "web", ports: [port("127.0.0.1")]))
            try await f.expectRefused(.invalidArgument, "cpus 0 is too small; give at least 1") { _ = try await r.updateVM("www") { $0.cpus = 0 } }
            try await f.expectRefused(.invalidArgument, "a VM's id cannot change") { _ = try await r.updateVM("www") { $0.id = 9 } }
            struct Refusal: Error {}
            await #expect(throws: Refusal.self) { _ = try await r.updateVM("www") { _ in throw Refusal() } }
            #expect(try await r.vm("www") == new)
            // A VM keeps its own name and wildcard port without conflicting with itself.
            let wild = try await r.createVM(VMSpec(name: "wild", ports: [port("0.0.0.0", 7000)]))
            #expect(try await r.updateVM(String(wild.id)) { $0.labels["x"] = "y" }.labels == ["x": "y"])
        }
    }

    @Test("deleting a VM frees its name, ports and images and keeps the image records; ids are never reused", arguments: StoreKind.allCases)
    func delete(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let r = f.registry
            try await f.volume()
            let spec = VMSpec(
                name: "web", ports: [port("127.0.0.1")], storage: [.disk(volume: "vol1", image: "a.img")],
                newImages: [ImageSpec(volume: "vol1", name: "a.img", sizeBytes: 1, format: .raw)])
            let vm = try await r.createVM(spec)
            #expect(try await f.other.deleteVM("web") == vm)
            #expect(try await r.listVMs().isEmpty)
            #expect(try await r.image(volume: "vol1", name: "a.img").attachedTo == nil)
            #expect(await spinError { _ = try await r.deleteVM("web") }?.code == .notFound)
            var reuse = spec
            reuse.newImages = []
            #expect(try await r.createVM(reuse).id == 2)
        }
    }

    @Test("a duplicate VM name is refused naming the VM that has it; a host port another VM forwards is refused, wildcards both ways", arguments: StoreKind.allCases)
    func nameAndPortConflicts(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let r = f.registry
            try await r.createVM(VMSpec(name: "web", ports: [port("127.0.0.1")]))
            try await f.expectRefused(.conflict, "name \"web\" is taken by VM 1; choose another name") { _ = try await f.other.createVM(VMSpec(name: "web")) }
            try await r.createVM(VMSpec(name: "dns", ports: [port("::", 53, .udp)]))
            try await f.expectRefused(.conflict, "taken by VM 1") { _ = try await r.updateVM("dns") { $0.name = "web" } }
            try await f.expectRefused(.conflict, "ports[0] 81:127.0.0.1:8080 clashes with VM 1 (\"web\"), which forwards tcp 127.0.0.1:8080") {
                _ = try await r.createVM(VMSpec(name: "b", ports: [PortForward(guestPort: 81, hostAddress: "127.0.0.1", hostPort: 8080)]))
            }
            try await f.expectRefused(.conflict, "ports[1] 80:0.0.0.0:8080 clashes with VM 1 (\"web\")") {
                _ = try await f.other.createVM(VMSpec(name: "b", ports: [port("127.0.0.2", 9000), port("0.0.0.0")]))
            }
            try await f.expectRefused(.conflict, "which forwards udp [::]:53") { _ = try await r.createVM(VMSpec(name: "b", ports: [port("10.0.0.1", 53, .udp)])) }
            try await f.expectRefused(.conflict, "clashes with VM 1") { _ = try await r.updateVM("dns") { $0.ports.append(port("0.0.0.0")) } }
            // Other addresses, ports and protocols are free.
            try await r.createVM(VMSpec(name: "c", ports: [port("127.0.0.2"), port("127.0.0.1", 8081), port("127.0.0.1", 8080, .udp)]))
        }
    }

    @Test("an image attached to another VM, a missing volume or image, a late failure: each refused, leaving no VM, image or id used", arguments: StoreKind.allCases)
    func diskConflicts(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let r = f.registry
            try await f.expectRefused(.notFound, "volume \"vol1\" does not exist; create it with spin volume create vol1 PATH") {
                _ = try await r.createVM(VMSpec(name: "b", storage: [.disk(volume: "vol1", image: "a.img")], newImages: [ImageSpec(volume: "vol1", name: "a.img", sizeBytes: 1)]))
            }
            try await f.volume()
            try await f.expectRefused(.notFound, "image \"a.img\" does not exist in volume \"vol1\"; create it with spin image create vol1 a.img SIZE") {
                _ = try await r.createVM(VMSpec(name: "b", storage: [.disk(volume: "vol1", image: "a.img")]))
            }
            try await r.createImage(ImageSpec(volume: "vol1", name: "taken.img", sizeBytes: 1), base: false)
            try await f.expectRefused(.conflict, "image \"taken.img\" already exists in volume \"vol1\"") {
                _ = try await r.createVM(VMSpec(
                    name: "web", ports: [port("127.0.0.1")],
                    storage: [.disk(volume: "vol1", image: "new.img"), .disk(volume: "vol1", image: "taken.img")],
                    newImages: [ImageSpec(volume: "vol1", name: "new.img", sizeBytes: 1), ImageSpec(volume: "vol1", name: "taken.img", sizeBytes: 1)]))
            }
            try await f.expectRefused(.invalidArgument, "memoryMiB 8 is too small") {
                _ = try await r.createVM(VMSpec(name: "web", memoryMiB: 8, storage: [.disk(volume: "vol1", image: "new.img")], newImages: [ImageSpec(volume: "vol1", name: "new.img", sizeBytes: 1)]))
            }
            let web = try await r.createVM(VMSpec(name: "web", storage: [.disk(volume: "vol1", image: "taken.img")]))
            #expect(web.id == 1, "no refused create used an id")
            try await r.createVM(VMSpec(name: "db"))
            try await f.expectRefused(.conflict, "image \"taken.img\" of volume \"vol1\" is attached to VM 1 (\"web\"); detach it there first") {
                _ = try await f.other.createVM(VMSpec(name: "b", storage: [.disk(volume: "vol1", image: "taken.img")]))
            }
            try await f.expectRefused(.conflict, "attached to VM 1") { _ = try await r.updateVM("db") { $0.storage.append(.disk(volume: "vol1", image: "taken.img")) } }
            // Dropping a disk frees its image, which another VM may then take.
            try await r.updateVM("web") { $0.storage = [] }
            #expect(try await r.updateVM("db") { $0.storage = [.disk(volume: "vol1", image: "taken.img")] }.storage.count == 1)
            #expect(try await r.image(volume: "vol1", name: "taken.img").attachedTo == 2)
        }
    }
}
