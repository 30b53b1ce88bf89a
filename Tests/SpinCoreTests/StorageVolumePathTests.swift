import Testing
@testable import SpinCore

@Suite("Storage: VolumePath confinement")
struct StorageVolumePathTests {
    @Test("plain absolute normalized paths are accepted")
    func accepted() throws {
        #expect(try VolumePath("/var/lib/spin/vol1").path == "/var/lib/spin/vol1")
        #expect(try VolumePath("/a").path == "/a")
        #expect(try VolumePath("/var/lib/spin/vol1").image("web.qcow2").path == "/var/lib/spin/vol1/web.qcow2")
    }

    @Test("relative, root, unnormalized and NUL-holding volume paths are refused", arguments: [
        "", "vol1", "./vol1", "/", "//a", "/a/", "/a//b", "/a/./b", "/a/../b", "/a/..", "/a/.", "/a\u{0}b",
    ])
    func refusedVolumes(path: String) {
        #expect(throws: SpinError.self) { try VolumePath(path) }
        #expect((try? VolumePath(path)) == nil)
    }

    @Test("an unnormalized path error shows the normal spelling")
    func normalHint() {
        let error = #expect(throws: SpinError.self) { try VolumePath("/var//lib/./spin/") }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("\"/var/lib/spin\"") == true)
    }

    @Test("over-long volume paths are refused")
    func longVolume() {
        let long = "/" + String(repeating: "a", count: VolumePath.maxLength)
        #expect(throws: SpinError.self) { try VolumePath(long) }
    }

    @Test("escaping or odd image names are refused", arguments: [
        "", ".", "..", "../x", "../../etc/passwd", "a/b", "/etc/passwd", "x\u{0}y", ".hidden", ".spin-0-1.part",
        "a\nb", "tab\there", String(repeating: "x", count: 256),
    ])
    func refusedNames(name: String) throws {
        let volume = try VolumePath("/var/lib/spin/vol1")
        let error = #expect(throws: SpinError.self) { try volume.image(name) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("image name") == true)
    }

    @Test("names up to 255 bytes, with dots and unicode inside, are accepted")
    func acceptedNames() throws {
        let volume = try VolumePath("/v")
        for name in ["web.qcow2", "a..b", "disk-1_final.raw", "überdisk.img", String(repeating: "x", count: 255)] {
            #expect(try volume.image(name).name == name)
        }
        // 254 ASCII bytes + a 2-byte character = 256 bytes: refused although 255 characters.
        #expect(throws: SpinError.self) { try volume.image(String(repeating: "x", count: 254) + "é") }
    }

    @Test("error messages quote control characters instead of printing them")
    func quoting() {
        let error = #expect(throws: SpinError.self) { try VolumePath("/v").image("a\nb") }
        #expect(error?.message.contains("\"a\\u{a}b\"") == true)
    }

    @Test("temporary names are hidden, bounded and shared by every attempt for one image")
    func stagedNames() {
        let long = String(repeating: "x", count: 255)
        #expect(StagedImage.prefix(for: long).hasPrefix(".spin-"))
        #expect(StagedImage.prefix(for: long).utf8.count == 23)
        #expect(StagedImage.prefix(for: "a") == StagedImage.prefix(for: "a"))
        #expect(StagedImage.prefix(for: "a") != StagedImage.prefix(for: "b"))
    }
}
