import Foundation
import SpinCore
import Testing

@Suite("Registry conflicts leave the store unchanged")
struct RegistryConflictTests {
    /// Runs `body`, expects it to fail with `code` and a message containing `text`, and checks
    /// that the store's full contents did not change.
    private func expectRefused(_ temp: TemporaryRegistry, _ code: SpinError.Code, _ text: String, _ body: () throws -> Void) throws {
        let before = try temp.snapshot()
        let caught = spinError(body)
        let error = try #require(caught)
        #expect(error.code == code)
        #expect(error.message.contains(text), "\(error.message)")
        #expect(try temp.snapshot() == before)
    }

    private func port(_ address: String, _ hostPort: Int = 8080, _ proto: PortProtocol = .tcp) -> PortForward {
        PortForward(protocol: proto, guestPort: 80, hostAddress: address, hostPort: hostPort)
    }

    @Test("a duplicate VM name is refused naming the VM that has it")
    func duplicateName() throws {
        let temp = try TemporaryRegistry()
        try temp.registry.createVM(VMSpec(name: "web"))
        try expectRefused(temp, .conflict, "name \"web\" is taken by VM 1; choose another name") {
            _ = try temp.registry.createVM(VMSpec(name: "web"))
        }
        try temp.registry.createVM(VMSpec(name: "db"))
        try expectRefused(temp, .conflict, "taken by VM 1") { _ = try temp.registry.updateVM("db") { $0.name = "web" } }
    }

    @Test("a host port another VM forwards is refused, wildcards against specific addresses both ways")
    func ports() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        try r.createVM(VMSpec(name: "web", ports: [port("127.0.0.1")]))
        try r.createVM(VMSpec(name: "dns", ports: [port("::", 53, .udp)]))
        try expectRefused(temp, .conflict, "ports[0] 81:127.0.0.1:8080 clashes with VM 1 (\"web\"), which forwards tcp 127.0.0.1:8080") {
            _ = try r.createVM(VMSpec(name: "b", ports: [PortForward(guestPort: 81, hostAddress: "127.0.0.1", hostPort: 8080)]))
        }
        try expectRefused(temp, .conflict, "clashes with VM 1 (\"web\")") {
            _ = try r.createVM(VMSpec(name: "b", ports: [port("127.0.0.2", 9000), port("0.0.0.0")]))
        }
        try expectRefused(temp, .conflict, "which forwards udp [::]:53") {
            _ = try r.createVM(VMSpec(name: "b", ports: [port("10.0.0.1", 53, .udp)]))
        }
        try expectRefused(temp, .conflict, "clashes with VM 1") { _ = try r.updateVM("dns") { $0.ports.append(self.port("0.0.0.0")) } }
        // Other addresses, ports and protocols are free.
        try r.createVM(VMSpec(name: "c", ports: [port("127.0.0.2"), port("127.0.0.1", 8081), port("127.0.0.1", 8080, .udp)]))
    }

    @Test("an image attached to another VM is refused naming that VM")
    func attachedImage() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        try temp.volume()
        try r.createImage(ImageSpec(volume: "vol1", name: "a.img", sizeBytes: 1))
        try r.createVM(VMSpec(name: "web", storage: [.disk(volume: "vol1", image: "a.img")]))
        try r.createVM(VMSpec(name: "db"))
        try expectRefused(temp, .conflict, "image \"a.img\" of volume \"vol1\" is attached to VM 1 (\"web\"); detach it there first") {
            _ = try r.createVM(VMSpec(name: "b", storage: [.disk(volume: "vol1", image: "a.img")]))
        }
        try expectRefused(temp, .conflict, "attached to VM 1") { _ = try r.attachStorage(vm: "db", .disk(volume: "vol1", image: "a.img")) }
    }

    @Test("a missing volume or image is not found, with the command that creates it")
    func missing() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        try expectRefused(temp, .notFound, "volume \"vol1\" does not exist; create it with spin volume create vol1 PATH") {
            _ = try r.createVM(VMSpec(name: "b", storage: [.disk(volume: "vol1", image: "a.img")],
                                      newImages: [ImageSpec(volume: "vol1", name: "a.img", sizeBytes: 1)]))
        }
        try temp.volume()
        try expectRefused(temp, .notFound, "image \"a.img\" does not exist in volume \"vol1\"; create it with spin image create vol1 a.img SIZE") {
            _ = try r.createVM(VMSpec(name: "b", storage: [.disk(volume: "vol1", image: "a.img")]))
        }
    }

    @Test("a failed create leaves no VM, no index, no image and no id used, even when checks fail late")
    func failedCreateLeavesNothing() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        try temp.volume()
        try r.createImage(ImageSpec(volume: "vol1", name: "taken.img", sizeBytes: 1))
        // Name and ports pass; the first new image would be new; the second already exists.
        try expectRefused(temp, .conflict, "image \"taken.img\" already exists in volume \"vol1\"") {
            _ = try r.createVM(VMSpec(
                name: "web", ports: [self.port("127.0.0.1")],
                storage: [.disk(volume: "vol1", image: "new.img"), .disk(volume: "vol1", image: "taken.img")],
                newImages: [ImageSpec(volume: "vol1", name: "new.img", sizeBytes: 1), ImageSpec(volume: "vol1", name: "taken.img", sizeBytes: 1)]))
        }
        try expectRefused(temp, .invalidArgument, "memoryMiB 8 is too small") {
            _ = try r.createVM(VMSpec(name: "web", memoryMiB: 8, storage: [.disk(volume: "vol1", image: "new.img")],
                                      newImages: [ImageSpec(volume: "vol1", name: "new.img", sizeBytes: 1)]))
        }
        #expect(try r.createVM(VMSpec(name: "web")).id == 1)
    }

    @Test("a volume name or path already recorded is refused")
    func volumes() throws {
        let temp = try TemporaryRegistry()
        try temp.registry.createVolume(name: "vol1", path: "/srv/vms")
        try expectRefused(temp, .conflict, "volume \"vol1\" already exists (path /srv/vms); choose another name") {
            _ = try temp.registry.createVolume(name: "vol1", path: "/srv/other")
        }
        try expectRefused(temp, .conflict, "path \"/srv/vms\" already belongs to volume \"vol1\"") {
            _ = try temp.registry.createVolume(name: "vol2", path: "/srv/./vms/")
        }
        try expectRefused(temp, .invalidArgument, "is not an absolute path") {
            _ = try temp.registry.createVolume(name: "vol2", path: "srv")
        }
    }
}
