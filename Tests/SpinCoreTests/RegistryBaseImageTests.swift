import Foundation
import SpinCore
import Testing

@Suite("Registry: base images, overlays, MAC addresses and clones")
struct RegistryBaseImageTests {
    /// A registry with volume `v` holding the base `debian` (64 MiB, qcow2).
    func withBase() throws -> TemporaryRegistry {
        let temp = try TemporaryRegistry()
        try temp.volume("v")
        try temp.registry.createImage(ImageSpec(volume: "v", name: "debian", sizeBytes: 64 << 20), base: true)
        return temp
    }

    @Test("a base is never attached to a VM, and marking an attached image or an overlay as base is refused")
    func neverAttached() throws {
        let temp = try withBase()
        let r = temp.registry
        let attach = spinError { _ = try r.createVM(VMSpec(name: "a", storage: [.disk(volume: "v", image: "debian")])) }
        #expect(attach?.code == .failedPrecondition)
        #expect(attach?.message.contains("--from v/debian") == true)
        let vm = try r.createVM(VMSpec(name: "b", storage: [.disk(volume: "v", image: "b.qcow2")],
                                       newImages: [ImageSpec(volume: "v", name: "b.qcow2", sizeBytes: 64 << 20, backingImage: "debian")]))
        #expect(try r.image(volume: "v", name: "b.qcow2").backingImage == "debian")
        #expect(spinError { _ = try r.markBase(volume: "v", name: "b.qcow2") }?.message.contains("attached to VM \(vm.id)") == true)
        try r.detachStorage(vm: "b", index: 0)
        #expect(spinError { _ = try r.markBase(volume: "v", name: "b.qcow2") }?.message.contains("overlay") == true)
        #expect(try r.markBase(volume: "v", name: "debian").base)
    }

    @Test("an overlay needs a base of its own volume, qcow2, at least the base's size")
    func overlayRules() throws {
        let temp = try withBase()
        let r = temp.registry
        try r.createImage(ImageSpec(volume: "v", name: "plain.raw", sizeBytes: 1 << 20, format: .raw))
        let small = spinError { _ = try r.createImage(ImageSpec(volume: "v", name: "o1", sizeBytes: 1 << 20, backingImage: "debian")) }
        #expect(small?.code == .failedPrecondition)
        #expect(small?.message.contains("smaller than its base") == true)
        #expect(spinError { _ = try r.createImage(ImageSpec(volume: "v", name: "o2", sizeBytes: 64 << 20, backingImage: "plain.raw")) }?.code == .failedPrecondition)
        #expect(spinError { _ = try r.createImage(ImageSpec(volume: "v", name: "o3", sizeBytes: 64 << 20, backingImage: "none")) }?.code == .notFound)
        #expect(spinError { _ = try r.createImage(ImageSpec(volume: "v", name: "o4", sizeBytes: 64 << 20, format: .raw, backingImage: "debian")) }?.code == .conflict)
        #expect(spinError { _ = try r.createImage(ImageSpec(volume: "v", name: "debian2", sizeBytes: 64 << 20, backingImage: "debian2")) }?.code == .conflict)
        let grown = try r.createImage(ImageSpec(volume: "v", name: "o5", sizeBytes: 1 << 30, backingImage: "debian"))
        #expect(grown.sizeBytes == 1 << 30 && !grown.base)
    }

    @Test("a base with overlays is not deleted, and the refusal names the overlays and their VMs")
    func deleteRefused() throws {
        let temp = try withBase()
        let r = temp.registry
        try r.createVM(VMSpec(name: "web", storage: [.disk(volume: "v", image: "web.qcow2")],
                              newImages: [ImageSpec(volume: "v", name: "web.qcow2", sizeBytes: 64 << 20, backingImage: "debian")]))
        let before = try temp.snapshot()
        let refused = spinError { _ = try r.deleteImage(volume: "v", name: "debian") }
        #expect(refused?.code == .failedPrecondition)
        #expect(refused?.message.contains("\"web.qcow2\" (VM 1 (\"web\"))") == true, "\(refused?.message ?? "")")
        #expect(try temp.snapshot() == before)
        #expect(try r.overlays(volume: "v", base: "debian").map(\.name) == ["web.qcow2"])
        try r.deleteVM("web")
        try r.deleteImage(volume: "v", name: "web.qcow2")
        try r.deleteImage(volume: "v", name: "debian")
    }

    @Test("every VM gets its own stable MAC address; older records keep none")
    func macAddresses() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        var seen: Set<String> = []
        for index in 0..<50 {
            let vm = try r.createVM(VMSpec(name: "vm\(index)"))
            let mac = try #require(vm.macAddress)
            #expect(VM.isMACAddress(mac) && mac.hasPrefix("52:54:00:"), "\(mac)")
            #expect(seen.insert(mac).inserted, "\(mac) given twice")
            #expect(try r.vm(vm.name).macAddress == mac)
            #expect(try r.updateVM(vm.name) { $0.cpus = 2 }.macAddress == mac)
        }
        #expect(VM.derivedMACAddress(id: 1, salt: 0) != VM.derivedMACAddress(id: 1, salt: 12345))
        #expect(!VM.isMACAddress("53:54:00:00:00:01") && !VM.isMACAddress("52:54:00:00:00") && !VM.isMACAddress("52:54:00:00:00:0G"))
        #expect(VM(id: 3, name: "x", macAddress: "bad").validate().map(\.field) == ["macAddress"])
    }

    @Test("a clone's spec keeps the settings, drops the port forwards, and names its images after it")
    func cloneSpec() throws {
        let vm = VM(id: 4, name: "web", cpus: 3, memoryMiB: 700, ports: [PortForward(guestPort: 80, hostAddress: "127.0.0.1", hostPort: 8080)],
                    labels: ["a": "b"], stopTimeoutSeconds: 9, accelerator: "tcg", autostart: true, macAddress: "52:54:00:00:00:04")
        let spec = vm.cloneSpec(name: "web2", storage: [], newImages: [])
        #expect(spec.cpus == 3 && spec.memoryMiB == 700 && spec.labels == ["a": "b"] && spec.stopTimeoutSeconds == 9)
        #expect(spec.accelerator == "tcg" && spec.autostart && spec.ports.isEmpty)
        #expect(vm.cloneImageName("web.qcow2", for: "web2") == "web2.qcow2")
        #expect(vm.cloneImageName("data.raw", for: "web2") == "web2-data.raw")
    }
}
