import Foundation
import SpinCore
import Testing

@Suite("Entity JSON and volume/image rules")
struct EntityCodingTests {
    private func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test("storage attachments encode flat with a kind and decode back")
    func storageJSON() throws {
        #expect(try json(StorageAttachment.disk(volume: "v", image: "web")) == #"{"image":"web","kind":"disk","volume":"v"}"#)
        #expect(try json(StorageAttachment.cdrom(path: "/x.iso")) == #"{"kind":"cdrom","path":"/x.iso"}"#)
        let decoded = try JSONDecoder().decode([StorageAttachment].self, from: Data(#"[{"kind":"cdrom","path":"/x.iso"},{"kind":"disk","volume":"v","image":"web"}]"#.utf8))
        #expect(decoded == [.cdrom(path: "/x.iso"), .disk(volume: "v", image: "web")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(StorageAttachment.self, from: Data(#"{"kind":"disk","volume":"v"}"#.utf8)) }
    }

    @Test("a spec decoded from JSON with only a name gets every default")
    func specDefaults() throws {
        let spec = try JSONDecoder().decode(VMSpec.self, from: Data(#"{"name":"web"}"#.utf8))
        #expect(spec == VMSpec(name: "web"))
    }

    @Test("a VM survives a JSON round trip and leaves out unset optionals")
    func vmJSON() throws {
        let vm = VM(id: 3, name: "web", ports: [PortForward(guestPort: 80, hostAddress: "::1", hostPort: 8080)],
                    storage: [.cdrom(path: "/a.iso")], createdAt: Date(timeIntervalSince1970: 1_700_000_000))
        let text = try json(vm)
        #expect(!text.contains("kernel") && !text.contains("accelerator"))
        #expect(text.contains(#""ports":[{"guestPort":80,"hostAddress":"::1","hostPort":8080,"protocol":"tcp"}]"#))
        #expect(try JSONDecoder().decode(VM.self, from: Data(text.utf8)) == vm)
    }

    @Test("volume names follow the VM name rules and paths must be absolute, normalized and short")
    func volumeRules() {
        #expect(Volume(name: "vol1", path: "/srv/vol1").validate().isEmpty)
        #expect(Volume(name: "..", path: "/srv").validate().map(\.description) == [
            "name \"..\" must start with a letter and hold only letters, digits, \"-\" and \"_\" (at most 63 characters)",
        ])
        #expect(Volume(name: "v", path: "srv/v").validate().map(\.description) == [
            "path \"srv/v\" is not an absolute path; give one starting with \"/\", such as /var/lib/spin/v",
        ])
        #expect(Volume(name: "v", path: "/srv//a/../v/").validate().map(\.description) == [
            "path \"/srv//a/../v/\" is not normalized; use \"/srv/v\"",
        ])
        #expect(Volume(name: "v", path: "/srv/\u{0}x").validate().map(\.field) == ["path"])
        #expect(Volume(name: "v", path: "/" + String(repeating: "a", count: 480)).validate().map(\.description) == [
            "path is 481 bytes long; keep volume paths to at most 480 bytes",
        ])
        #expect(Volume.normalize("/a/./b/../../..//c/") == "/c")
        #expect(Volume.normalize("relative") == nil)
    }

    @Test("image names may hold dots after the first letter but never .. or /; sizes must be positive")
    func imageRules() {
        #expect(ImageSpec(volume: "v", name: "web.qcow2", sizeBytes: 1).validate().isEmpty)
        for bad in [".hidden", "a..b", "a/b", "a\u{0}b", ""] {
            #expect(ImageSpec(volume: "v", name: bad, sizeBytes: 1).validate().map(\.field) == ["name"], "\(bad)")
        }
        #expect(ImageSpec(volume: "v", name: "a", sizeBytes: 0).validate().map(\.field) == ["sizeBytes"])
    }

    @Test("an image's path is its name inside its volume's directory")
    func imagePath() {
        let image = Image(volume: "v", name: "web.qcow2", sizeBytes: 1)
        #expect(image.path(in: Volume(name: "v", path: "/srv/v")) == "/srv/v/web.qcow2")
        #expect(image.path(in: Volume(name: "v", path: "/")) == "/web.qcow2")
    }
}
