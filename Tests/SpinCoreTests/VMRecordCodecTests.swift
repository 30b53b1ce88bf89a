import Foundation
import Testing

@testable import SpinCore

@Suite("VM record codec")
struct VMRecordCodecTests {
    static let full = VM(
        id: 42, name: "web", cpus: 4, memoryMiB: 2048,
        ports: [PortForward(guestPort: 80, hostAddress: "127.0.0.1", hostPort: 8080),
                PortForward(protocol: .udp, guestPort: 53, hostAddress: "::1", hostPort: 5353)],
        storage: [.disk(volume: "vol1", image: "web.qcow2"), .cdrom(path: "/iso/x y.iso")],
        kernel: DirectBoot(kernel: "/boot/vmlinuz", initrd: "/boot/initrd", append: "console=ttyS0 ü"),
        labels: ["team": "core", "env": "prod"], stopTimeoutSeconds: 90, accelerator: "tcg", autostart: true,
        createdAt: Date(timeIntervalSinceReferenceDate: 123.456), updatedAt: Date(timeIntervalSinceReferenceDate: 789.5),
        macAddress: "52:54:00:ab:cd:ef")

    private func decode(_ bytes: [UInt8]) throws -> VM {
        try bytes.withUnsafeBytes { try VMRecordCodec.decode($0, key: 42) }
    }

    @Test("every field survives a binary round trip, with and without optionals")
    func roundTrip() throws {
        #expect(try decode(VMRecordCodec.encode(Self.full)) == Self.full)
        let bare = VM(id: 1, name: "a")
        #expect(try decode(VMRecordCodec.encode(bare)) == bare)
    }

    @Test("equal VMs give equal bytes whatever the label order")
    func deterministic() {
        var other = Self.full
        other.labels = ["env": "prod", "team": "core"]
        #expect(VMRecordCodec.encode(other) == VMRecordCodec.encode(Self.full))
    }

    @Test("a record written as JSON is still read")
    func jsonFallback() throws {
        let bytes = Array(try JSONEncoder().encode(Self.full))
        #expect(try decode(bytes) == Self.full)
    }

    @Test("every truncation, an unknown format and trailing bytes fail with an internal error, never a crash")
    func damaged() throws {
        let bytes = VMRecordCodec.encode(Self.full)
        var bare = Self.full
        bare.macAddress = nil
        let sectionsStart = VMRecordCodec.encode(bare).count
        for length in 0..<bytes.count {
            if length == sectionsStart {
                // Cut exactly before its optional sections, the record is a VM without them.
                #expect(try decode(Array(bytes.prefix(length))) == bare)
                continue
            }
            let error = try #require(spinError { _ = try decode(Array(bytes.prefix(length))) })
            #expect(error.code == .internal)
        }
        var future = bytes
        future[0] = 9
        #expect(spinError { _ = try decode(future) }?.message.contains("format 9") == true)
        #expect(spinError { _ = try decode(bytes + [0]) }?.message.contains("trailing") == true)
    }

    @Test("a format 1 record, written before autostart existed, still loads with autostart off")
    func formatOneRecord() throws {
        var old = Self.full
        old.autostart = false
        old.macAddress = nil
        // Format 1 is format 2 without its last byte (autostart); format 2 is format 3 without sections.
        var bytes = VMRecordCodec.encode(old)
        #expect(bytes.first == 3)
        bytes[0] = 2
        #expect(try decode(bytes) == old)
        bytes[0] = 1
        bytes.removeLast()
        let decoded = try decode(bytes)
        #expect(decoded == old)
        #expect(!decoded.autostart)
    }

    @Test("a format 2 record, written before MAC addresses were kept, loads without one")
    func formatTwoRecord() throws {
        var old = Self.full
        old.macAddress = nil
        // Format 2 is format 3 without sections (no MAC address).
        var bytes = VMRecordCodec.encode(old)
        bytes[0] = 2
        let decoded = try decode(bytes)
        #expect(decoded == old)
        #expect(decoded.macAddress == nil)
        #expect(decoded.autostart)
    }

    @Test("a JSON record or spec without autostart loads with autostart off")
    func jsonWithoutAutostart() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.full)) as? [String: Any])
        #expect(object["autostart"] as? Bool == true)
        object["autostart"] = nil
        let vm = try decode(Array(try JSONSerialization.data(withJSONObject: object)))
        #expect(!vm.autostart)
        #expect(vm.name == Self.full.name)
        let spec = try JSONDecoder().decode(VMSpec.self, from: Data(#"{"name":"web"}"#.utf8))
        #expect(!spec.autostart)
        #expect(try JSONDecoder().decode(VMSpec.self, from: Data(#"{"name":"web","autostart":true}"#.utf8)).autostart)
    }

    @Test("cloud-init settings survive a round trip; a record cut inside them or with sections out of order is damaged")
    func cloudInitSection() throws {
        var bare = Self.full
        bare.macAddress = nil
        var vm = bare
        vm.cloudInit = CloudInit(userName: "ops", authorizedKeys: ["ssh-ed25519 AAAAC3Nza one", "ssh-rsa AAAAB3 two"], userData: "#cloud-config\nruncmd: [true]\n", instanceID: "spin-0123456789abcdef")
        let bytes = VMRecordCodec.encode(vm)
        #expect(try decode(bytes) == vm)
        var minimal = Self.full
        minimal.cloudInit = CloudInit(instanceID: nil)
        #expect(try decode(VMRecordCodec.encode(minimal)) == minimal)
        let plain = VMRecordCodec.encode(bare)
        for length in (plain.count + 1)..<bytes.count {
            #expect(spinError { _ = try decode(Array(bytes.prefix(length))) }?.code == .internal)
        }
        #expect(spinError { _ = try decode(plain + [7]) }?.message.contains("unknown section 7") == true)
        #expect(try decode(plain) == bare)
        var both = vm
        both.macAddress = "52:54:00:00:00:01"
        #expect(try decode(VMRecordCodec.encode(both)) == both)
        var swapped = VMRecordCodec.encode(both)
        let macSection = Array(swapped.suffix(1 + 4 + 17))
        swapped.removeLast(macSection.count)
        #expect(spinError { _ = try decode(plain + macSection + Array(swapped[plain.count...])) }?.message.contains("after section 2") == true)
    }

    @Test("a JSON record with cloud-init settings is read, and one without has none")
    func cloudInitJSON() throws {
        var vm = Self.full
        vm.cloudInit = CloudInit(authorizedKeys: ["ssh-ed25519 AAAA k"], instanceID: "i-1")
        #expect(try decode(Array(try JSONEncoder().encode(vm))) == vm)
        #expect(try decode(Array(try JSONEncoder().encode(Self.full))).cloudInit == nil)
    }
}
