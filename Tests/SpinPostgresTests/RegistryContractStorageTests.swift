import Foundation
import SpinCore
import SpinModel
import Testing

/// The registry's contract for volumes, images and base images on both stores.
@Suite("Registry contract on both stores: volumes and images", .serialized)
struct RegistryContractStorageTests {
    @Test("volumes are created with a normalized path, read back and listed by name; a taken name or path is refused", arguments: StoreKind.allCases)
    func volumes(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let r = f.registry
            let b = try await r.createVolume(name: "b", path: "/srv//b/./")
            let a = try await f.other.createVolume(name: "a", path: "/srv/a")
            #expect(b.path == "/srv/b")
            #expect(try await r.volume("b") == b)
            #expect(try await r.listVolumes() == [a, b])
            #expect(await spinError { _ = try await r.volume("zz") }?.message == "volume \"zz\" does not exist; create it with spin volume create zz PATH")
            for odd in ["", String(repeating: "x", count: 600), "a/b"] {
                #expect(await spinError { _ = try await r.volume(odd) }?.code == .notFound)
                #expect(await spinError { _ = try await r.image(volume: "a", name: odd) }?.code == .notFound)
            }
            try await f.expectRefused(.conflict, "volume \"b\" already exists (path /srv/b); choose another name") { _ = try await r.createVolume(name: "b", path: "/srv/other") }
            try await f.expectRefused(.conflict, "path \"/srv/b\" already belongs to volume \"b\"") { _ = try await f.other.createVolume(name: "c", path: "/srv/./b/") }
            try await f.expectRefused(.invalidArgument, "is not an absolute path") { _ = try await r.createVolume(name: "c", path: "srv") }
        }
    }

    @Test("images are created in an existing volume, listed per volume and overall, updated in size and format only", arguments: StoreKind.allCases)
    func images(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let r = f.registry
            try await f.volume("v")
            try await f.volume("v2")
            let x = try await r.createImage(ImageSpec(volume: "v", name: "x.img", sizeBytes: 1, format: .raw), base: false)
            let y = try await r.createImage(ImageSpec(volume: "v2", name: "y.img", sizeBytes: 2), base: false)
            #expect(try await f.other.image(volume: "v", name: "x.img") == x)
            #expect(try await r.listImages(volume: "v") == [x])
            #expect(try await r.listAllImages() == [x, y])
            try await f.expectRefused(.conflict, "image \"x.img\" already exists in volume \"v\"; pick another name") {
                _ = try await r.createImage(ImageSpec(volume: "v", name: "x.img", sizeBytes: 1), base: false)
            }
            try await f.expectRefused(.notFound, "volume \"nov\" does not exist") { _ = try await r.createImage(ImageSpec(volume: "nov", name: "x.img", sizeBytes: 1), base: false) }
            #expect(await spinError { _ = try await r.listImages(volume: "nov") }?.code == .notFound)
            #expect(await spinError { _ = try await r.image(volume: "v", name: "none") }?.code == .notFound)

            let grown = try await r.updateImage(volume: "v", name: "x.img") { $0.sizeBytes = 4096; $0.format = .qcow2 }
            #expect(grown.sizeBytes == 4096 && grown.format == .qcow2 && grown.createdAt == x.createdAt)
            #expect(try await f.other.image(volume: "v", name: "x.img") == grown)
            try await f.expectRefused(.invalidArgument, "cannot be renamed or moved") { _ = try await r.updateImage(volume: "v", name: "x.img") { $0.name = "y.img" } }
            try await f.expectRefused(.invalidArgument, "attached and detached through its VM's storage") { _ = try await r.updateImage(volume: "v", name: "x.img") { $0.attachedTo = 4 } }
            try await f.expectRefused(.invalidArgument, "sizeBytes") { _ = try await r.updateImage(volume: "v", name: "x.img") { $0.sizeBytes = 0 } }
        }
    }

    @Test("deleting an attached image is refused naming the VM; a volume holding images is kept unless forced, and force never drops an attached one", arguments: StoreKind.allCases)
    func deletions(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let r = f.registry
            try await f.volume("v")
            try await f.volume("w")
            try await r.createImage(ImageSpec(volume: "v", name: "a.img", sizeBytes: 1), base: false)
            try await r.createImage(ImageSpec(volume: "w", name: "keep.img", sizeBytes: 1), base: false)
            try await r.createVM(VMSpec(name: "web", storage: [.disk(volume: "v", image: "b.img")], newImages: [ImageSpec(volume: "v", name: "b.img", sizeBytes: 1)]))
            try await f.expectRefused(.failedPrecondition, "image \"b.img\" of volume \"v\" is attached to VM 1 (\"web\"); detach it from that VM first") {
                _ = try await f.other.deleteImage(volume: "v", name: "b.img")
            }
            try await f.expectRefused(.failedPrecondition, "volume \"v\" still holds 2 images (\"a.img\", \"b.img\"); delete them first or force the deletion") {
                _ = try await r.deleteVolume("v", force: false)
            }
            try await f.expectRefused(.failedPrecondition, "image \"b.img\" of volume \"v\" is attached to VM 1 (\"web\"); detach it there first") {
                _ = try await r.deleteVolume("v", force: true)
            }
            #expect(try await r.deleteImage(volume: "v", name: "a.img").name == "a.img")
            try await r.deleteVM("web")
            try await r.deleteVolume("v", force: true)
            #expect(try await r.listVolumes().map(\.name) == ["w"])
            #expect(try await r.listAllImages().map(\.name) == ["keep.img"])
            try await f.volume("v")
            #expect(try await f.other.deleteVolume("v", force: false).name == "v")
        }
    }

    @Test("an overlay needs a base of its own volume, at least its size; a base is never attached and not deleted while overlays use it", arguments: StoreKind.allCases)
    func baseImages(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let r = f.registry
            try await f.volume("v")
            try await r.createImage(ImageSpec(volume: "v", name: "debian", sizeBytes: 64 << 20), base: true)
            try await r.createImage(ImageSpec(volume: "v", name: "plain.raw", sizeBytes: 1 << 20, format: .raw), base: false)
            try await f.expectRefused(.failedPrecondition, "smaller than its base") {
                _ = try await r.createImage(ImageSpec(volume: "v", name: "o1", sizeBytes: 1 << 20, backingImage: "debian"), base: false)
            }
            try await f.expectRefused(.failedPrecondition, "is not a base image") {
                _ = try await r.createImage(ImageSpec(volume: "v", name: "o2", sizeBytes: 64 << 20, backingImage: "plain.raw"), base: false)
            }
            try await f.expectRefused(.notFound, "base image \"none\" does not exist") {
                _ = try await r.createImage(ImageSpec(volume: "v", name: "o3", sizeBytes: 64 << 20, backingImage: "none"), base: false)
            }
            try await f.expectRefused(.failedPrecondition, "--from v/debian") { _ = try await r.createVM(VMSpec(name: "a", storage: [.disk(volume: "v", image: "debian")])) }
            try await r.createVM(VMSpec(name: "web", storage: [.disk(volume: "v", image: "web.qcow2")],
                                        newImages: [ImageSpec(volume: "v", name: "web.qcow2", sizeBytes: 64 << 20, backingImage: "debian")]))
            #expect(try await r.image(volume: "v", name: "web.qcow2").backingImage == "debian")
            try await f.expectRefused(.failedPrecondition, "\"web.qcow2\" (VM 1 (\"web\"))") { _ = try await f.other.deleteImage(volume: "v", name: "debian") }
            try await r.deleteVM("web")
            try await r.deleteImage(volume: "v", name: "web.qcow2")
            #expect(try await r.deleteImage(volume: "v", name: "debian").base)
        }
    }
}

extension RegistryContractStorageTests {
    @Test("storage attaches at the end, with an optional new image, and detaches by index, freeing the image", arguments: StoreKind.allCases)
    func attachDetach(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let r = f.registry
            try await f.volume()
            try await r.createImage(ImageSpec(volume: "vol1", name: "data.img", sizeBytes: 10), base: false)
            try await r.createVM(VMSpec(name: "web", storage: [.cdrom(path: "/a.iso")]))
            _ = try await r.attachStorage(vm: "web", .disk(volume: "vol1", image: "data.img"), newImage: nil)
            var vm = try await f.other.attachStorage(vm: "1", .disk(volume: "vol1", image: "new.img"), newImage: ImageSpec(volume: "vol1", name: "new.img", sizeBytes: 5))
            #expect(vm.storage == [.cdrom(path: "/a.iso"), .disk(volume: "vol1", image: "data.img"), .disk(volume: "vol1", image: "new.img")])
            #expect(try await r.listImages(volume: "vol1").map(\.attachedTo) == [1, 1])
            vm = try await r.detachStorage(vm: "web", index: 1)
            #expect(vm.storage == [.cdrom(path: "/a.iso"), .disk(volume: "vol1", image: "new.img")])
            #expect(try await f.other.image(volume: "vol1", name: "data.img").attachedTo == nil)
            try await f.expectRefused(.notFound, "VM 1 (\"web\") has no drive at index 2; its drives are 0...1") { _ = try await r.detachStorage(vm: "web", index: 2) }
            try await f.expectRefused(.invalidArgument, "is not the attached disk") {
                _ = try await r.attachStorage(vm: "web", .disk(volume: "vol1", image: "x.img"), newImage: ImageSpec(volume: "vol1", name: "y.img", sizeBytes: 1))
            }
            try await f.expectRefused(.conflict, "already exists in volume") {
                _ = try await r.attachStorage(vm: "web", .disk(volume: "vol1", image: "data.img"), newImage: ImageSpec(volume: "vol1", name: "data.img", sizeBytes: 1))
            }
            #expect(try await r.imageIfPresent(volume: "vol1", name: "data.img")?.name == "data.img")
            #expect(try await r.imageIfPresent(volume: "vol1", name: "none.img") == nil)
            #expect(try await r.volume(atPath: "/srv/vol1")?.name == "vol1")
            #expect(try await r.volume(atPath: "/srv/other") == nil)
        }
    }

    @Test("only a free, standalone image becomes a base; marking twice changes nothing; overlays are looked for before a deletion", arguments: StoreKind.allCases)
    func markBase(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let r = f.registry
            try await f.volume("v")
            try await r.createImage(ImageSpec(volume: "v", name: "debian", sizeBytes: 64 << 20), base: false)
            let vm = try await r.createVM(VMSpec(name: "b", storage: [.disk(volume: "v", image: "b.qcow2")], newImages: [ImageSpec(volume: "v", name: "b.qcow2", sizeBytes: 64 << 20)]))
            try await f.expectRefused(.failedPrecondition, "attached to VM \(vm.id) (\"b\"), and a base is never written") { _ = try await r.markBase(volume: "v", name: "b.qcow2") }
            #expect(try await f.other.markBase(volume: "v", name: "debian").base)
            #expect(try await r.markBase(volume: "v", name: "debian").base)
            #expect(try await r.image(volume: "v", name: "debian").base)
            try await r.createImage(ImageSpec(volume: "v", name: "o", sizeBytes: 64 << 20, backingImage: "debian"), base: false)
            try await f.expectRefused(.failedPrecondition, "is an overlay on \"debian\"") { _ = try await r.markBase(volume: "v", name: "o") }
            let refused = await spinError { try await f.other.requireNoOverlays(volume: "v", name: "debian", verb: "replaced") }
            #expect(refused?.code == .failedPrecondition && refused?.message.contains("cannot be replaced while 1 overlay uses it: \"o\"") == true, "\(refused?.message ?? "")")
            try await r.requireNoOverlays(volume: "v", name: "o", verb: "deleted")
        }
    }
}
