import Foundation
import Testing

@testable import SpinCore

@Suite("Shared folders: parsing, validation, records, the seed's vendor-data")
struct SharedFolderTests {
    @Test("HOSTDIR[:GUESTPATH][:ro|:rw] parses; the guest path defaults to the host's")
    func parsing() throws {
        #expect(try SharedFolder(parsing: "/srv/src") == SharedFolder(hostPath: "/srv/src", guestPath: "/srv/src"))
        #expect(try SharedFolder(parsing: "/srv/src:/src") == SharedFolder(hostPath: "/srv/src", guestPath: "/src"))
        #expect(try SharedFolder(parsing: "/srv/src:/src:ro") == SharedFolder(hostPath: "/srv/src", guestPath: "/src", readOnly: true))
        #expect(try SharedFolder(parsing: "/srv/src:ro") == SharedFolder(hostPath: "/srv/src", guestPath: "/srv/src", readOnly: true))
        #expect(try SharedFolder(parsing: "/srv/src:/src:rw").readOnly == false)
        #expect(try SharedFolder.parse("src:/src").guestPath == "/src")
        #expect(try SharedFolder.parse("src").guestPath == nil)
        for bad in ["", ":/src", "/srv/src:", "/a:/b:/c", "/a:/b:ro:x"] {
            let error = try #require(spinError { _ = try SharedFolder(parsing: bad) }, "\(bad)")
            #expect(error.code == .invalidArgument && error.message.contains("HOSTDIR[:GUESTPATH][:ro]"), "\(bad): \(error)")
        }
    }

    @Test("relative or dotted paths, odd guest characters, / itself and a guest path given twice are each named")
    func validation() {
        #expect(SharedFolder(hostPath: "/srv/src", guestPath: "/src").validate().isEmpty)
        #expect(SharedFolder(hostPath: "src", guestPath: "/src").validate().map(\.field) == ["hostPath"])
        #expect(SharedFolder(hostPath: "/srv/../etc", guestPath: "/src").validate().map(\.field) == ["hostPath"])
        for guest in ["src", "/", "/a b", "/a/../b", "/a'b", "/$(id)", "/a//b", "/a/"] {
            #expect(SharedFolder(hostPath: "/srv/src", guestPath: guest).validate().map(\.field) == ["guestPath"], "\(guest)")
        }
        let spec = VMSpec(name: "web", mounts: [SharedFolder(hostPath: "/a", guestPath: "/x"), SharedFolder(hostPath: "/b", guestPath: "/x")])
        #expect(spec.validate().map(\.field) == ["mounts[1]"])
        let many = VMSpec(name: "web", mounts: (0..<9).map { SharedFolder(hostPath: "/h\($0)", guestPath: "/g\($0)") })
        #expect(many.validate().map(\.field) == ["mounts"])
    }

    @Test("shares and firmware survive the binary record and JSON; a record without them has none and boots with BIOS")
    func records() throws {
        var vm = VM(id: 7, name: "web", cloudInit: CloudInit(instanceID: "i-1"), macAddress: "52:54:00:00:00:07")
        vm.mounts = [SharedFolder(hostPath: "/srv/src", guestPath: "/src"), SharedFolder(hostPath: "/srv/ro", guestPath: "/ro", readOnly: true)]
        vm.firmware = .uefi
        let bytes = VMRecordCodec.encode(vm)
        #expect(try bytes.withUnsafeBytes { try VMRecordCodec.decode($0, key: 7) } == vm)
        #expect(try JSONDecoder().decode(VM.self, from: JSONEncoder().encode(vm)) == vm)
        let plain = VM(id: 8, name: "db")
        let decoded = try VMRecordCodec.encode(plain).withUnsafeBytes { try VMRecordCodec.decode($0, key: 8) }
        #expect(decoded.mounts.isEmpty && decoded.firmware == .bios)
        var unknown = VMRecordCodec.encode(plain)
        unknown += [4, 4, 0, 0, 0] + Array("efi2".utf8)
        #expect(spinError { _ = try unknown.withUnsafeBytes { try VMRecordCodec.decode($0, key: 8) } }?.message.contains("unknown firmware") == true)
    }

    @Test("the seed's vendor-data makes each guest directory and mounts its tag at every boot, ro when asked; no shares, no vendor-data")
    func vendorData() throws {
        let seed = try CloudInitSeed(instanceID: "i-1", hostname: "web", mounts: [
            .init(tag: "spin0", path: "/srv/src", readOnly: false), .init(tag: "spin1", path: "/ro", readOnly: true),
        ])
        let text = try #require(seed.vendorDataFile)
        #expect(text == """
            #cloud-config
            bootcmd:
              - ["mkdir", "-p", "/srv/src"]
              - ["mount", "-t", "virtiofs", "-o", "nodev,nosuid", "spin0", "/srv/src"]
              - ["mkdir", "-p", "/ro"]
              - ["mount", "-t", "virtiofs", "-o", "ro,nodev,nosuid", "spin1", "/ro"]

            """)
        #expect(seed.files.map(\.name) == ["meta-data", "user-data", "vendor-data"])
        #expect(try CloudInitSeed(instanceID: "i-1", hostname: "web").vendorDataFile == nil)
        #expect(throws: SpinError.self) { try CloudInitSeed(instanceID: "i-1", hostname: "web", mounts: [.init(tag: "spin0", path: "/a b", readOnly: false)]) }
    }
}
