import Foundation
import SpinCore
import Testing

@Suite("Registry volumes and images")
struct RegistryVolumeImageTests {
    @Test("volumes are created with a normalized path, read back and listed by name")
    func volumes() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        let b = try r.createVolume(name: "b", path: "/srv//b/./")
        let a = try r.createVolume(name: "a", path: "/srv/a")
        #expect(b.path == "/srv/b")
        #expect(try r.volume("b") == b)
        #expect(try r.listVolumes() == [a, b])
        #expect(spinError { _ = try r.volume("zz") }?.message == "volume \"zz\" does not exist; create it with spin volume create zz PATH")
        for odd in ["", String(repeating: "x", count: 600), "a/b"] {
            #expect(spinError { _ = try r.volume(odd) }?.code == .notFound)
            #expect(spinError { _ = try r.image(volume: "a", name: odd) }?.code == .notFound)
        }
    }

    @Test("images are created in an existing volume, listed per volume by prefix and overall")
    func images() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        try temp.volume("v")
        try temp.volume("v2")
        let x = try r.createImage(ImageSpec(volume: "v", name: "x.img", sizeBytes: 1, format: .raw))
        let y = try r.createImage(ImageSpec(volume: "v2", name: "y.img", sizeBytes: 2))
        #expect(try r.image(volume: "v", name: "x.img") == x)
        #expect(try r.listImages(volume: "v") == [x])
        #expect(try r.listImages(volume: "v2") == [y])
        #expect(try r.listAllImages() == [x, y])
        #expect(spinError { _ = try r.createImage(ImageSpec(volume: "v", name: "x.img", sizeBytes: 1)) }?.code == .conflict)
        #expect(spinError { _ = try r.createImage(ImageSpec(volume: "nov", name: "x.img", sizeBytes: 1)) }?.code == .notFound)
        #expect(spinError { _ = try r.listImages(volume: "nov") }?.code == .notFound)
        #expect(spinError { _ = try r.image(volume: "v", name: "none") }?.code == .notFound)
    }

    @Test("an image update changes size and format but refuses renames and attachment edits")
    func updateImage() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        try temp.volume("v")
        let image = try r.createImage(ImageSpec(volume: "v", name: "x.img", sizeBytes: 1))
        let grown = try r.updateImage(volume: "v", name: "x.img") { $0.sizeBytes = 4096; $0.format = .raw }
        #expect(grown.sizeBytes == 4096 && grown.format == .raw && grown.createdAt == image.createdAt)
        #expect(try r.image(volume: "v", name: "x.img") == grown)
        #expect(spinError { _ = try r.updateImage(volume: "v", name: "x.img") { $0.name = "y.img" } }?.code == .invalidArgument)
        #expect(spinError { _ = try r.updateImage(volume: "v", name: "x.img") { $0.attachedTo = 4 } }?.code == .invalidArgument)
        #expect(spinError { _ = try r.updateImage(volume: "v", name: "x.img") { $0.sizeBytes = 0 } }?.code == .invalidArgument)
    }

    @Test("deleting an attached image is refused naming the VM; a free one is removed")
    func deleteImage() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        try temp.volume("v")
        try r.createVM(VMSpec(name: "web", storage: [.disk(volume: "v", image: "a.img")], newImages: [ImageSpec(volume: "v", name: "a.img", sizeBytes: 1)]))
        let before = try temp.snapshot()
        let error = spinError { _ = try r.deleteImage(volume: "v", name: "a.img") }
        #expect(error?.code == .failedPrecondition)
        #expect(error?.message == "image \"a.img\" of volume \"v\" is attached to VM 1 (\"web\"); detach it from that VM first")
        #expect(try temp.snapshot() == before)
        try r.detachStorage(vm: "web", index: 0)
        #expect(try r.deleteImage(volume: "v", name: "a.img").name == "a.img")
        #expect(try r.listImages(volume: "v").isEmpty)
    }

    @Test("a volume holding images is kept unless forced; force never drops an attached image")
    func deleteVolume() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        try temp.volume("v")
        try temp.volume("w")
        try r.createImage(ImageSpec(volume: "v", name: "a.img", sizeBytes: 1))
        try r.createImage(ImageSpec(volume: "w", name: "keep.img", sizeBytes: 1))
        try r.createVM(VMSpec(name: "web", storage: [.disk(volume: "v", image: "b.img")], newImages: [ImageSpec(volume: "v", name: "b.img", sizeBytes: 1)]))
        var before = try temp.snapshot()
        let refused = spinError { _ = try r.deleteVolume("v") }
        #expect(refused?.code == .failedPrecondition)
        #expect(refused?.message == "volume \"v\" still holds 2 images (\"a.img\", \"b.img\"); delete them first or force the deletion")
        let attached = spinError { _ = try r.deleteVolume("v", force: true) }
        #expect(attached?.message == "image \"b.img\" of volume \"v\" is attached to VM 1 (\"web\"); detach it there first")
        #expect(try temp.snapshot() == before)

        try r.deleteVM("web")
        try r.deleteVolume("v", force: true)
        #expect(try r.listVolumes().map(\.name) == ["w"])
        #expect(try r.listAllImages().map(\.name) == ["keep.img"])
        // The path is free again.
        try temp.volume("v")
        before = try temp.snapshot()
        #expect(try r.deleteVolume("v").name == "v")
        #expect(try temp.snapshot() != before)
    }
}
