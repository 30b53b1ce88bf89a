import SpinCore
import Testing

@Suite("VM spec validation")
struct VMSpecValidationTests {
    private func messages(_ spec: VMSpec) -> [String] { spec.validate().map(\.description) }

    @Test("a spec with only a good name is valid and gets the defaults")
    func defaults() {
        let spec = VMSpec(name: "web")
        #expect(spec.validate().isEmpty)
        #expect(spec.cpus == 1 && spec.memoryMiB == 512 && spec.stopTimeoutSeconds == 30 && spec.accelerator == nil)
    }

    @Test("a name must start with a letter, hold letters, digits, - and _, and be at most 63 characters",
          arguments: ["1web", "", "web.1", "we b", "web/x", ".", "..", String(repeating: "a", count: 64), "wéb"])
    func badNames(name: String) {
        #expect(messages(VMSpec(name: name)) == [
            "name \"\(name)\" must start with a letter and hold only letters, digits, \"-\" and \"_\" (at most 63 characters)",
        ])
    }

    @Test("names at the edges of the rule are accepted", arguments: ["a", "Web-1_x", String(repeating: "z", count: 63)])
    func goodNames(name: String) {
        #expect(VMSpec(name: name).validate().isEmpty)
    }

    @Test("cpus, memory and stop timeout out of range name the bound to use")
    func ranges() {
        #expect(messages(VMSpec(name: "a", cpus: 0)) == ["cpus 0 is too small; give at least 1"])
        #expect(messages(VMSpec(name: "a", cpus: 256)) == ["cpus 256 is too large; give at most 255"])
        #expect(messages(VMSpec(name: "a", memoryMiB: 8)) == ["memoryMiB 8 is too small; give at least 16"])
        #expect(messages(VMSpec(name: "a", stopTimeoutSeconds: 0)) == ["stopTimeoutSeconds 0 is too small; give at least 1"])
        #expect(messages(VMSpec(name: "a", stopTimeoutSeconds: 3601)) == ["stopTimeoutSeconds 3601 is too large; give at most 3600"])
    }

    @Test("an unknown accelerator is refused; auto, kvm and tcg are accepted")
    func accelerator() {
        #expect(messages(VMSpec(name: "a", accelerator: "hvf")) == ["accelerator \"hvf\" is not known; use auto, kvm or tcg"])
        for good in ["auto", "kvm", "tcg"] { #expect(VMSpec(name: "a", accelerator: good).validate().isEmpty) }
    }

    @Test("port problems name the port's index and field")
    func ports() {
        let spec = VMSpec(name: "a", ports: [
            PortForward(guestPort: 80, hostAddress: "localhost", hostPort: 8080),
            PortForward(guestPort: 0, hostAddress: "example.com", hostPort: 70000),
        ])
        #expect(messages(spec) == [
            "ports[0].hostAddress \"localhost\" is not an IP address; use 127.0.0.1",
            "ports[1].guestPort 0 is too small; give at least 1",
            "ports[1].hostPort 70000 is too large; give at most 65535",
            "ports[1].hostAddress \"example.com\" is not an IP address; use an IP literal such as 127.0.0.1, ::1 or 0.0.0.0",
        ])
    }

    @Test("two forwards of one VM on the same host socket are refused, a wildcard included")
    func overlappingPorts() {
        let spec = VMSpec(name: "a", ports: [
            PortForward(guestPort: 80, hostAddress: "127.0.0.1", hostPort: 8080),
            PortForward(guestPort: 81, hostAddress: "0.0.0.0", hostPort: 8080),
            PortForward(protocol: .udp, guestPort: 81, hostAddress: "0.0.0.0", hostPort: 8080),
        ])
        #expect(messages(spec) == [
            "ports[1] 81:0.0.0.0:8080 listens on the same host address and port as ports[0] 80:127.0.0.1:8080; remove one",
        ])
    }

    @Test("storage problems name the drive's index: bad names, relative ISO paths, a disk given twice")
    func storage() {
        let spec = VMSpec(name: "a", storage: [
            .disk(volume: "vol1", image: "web.qcow2"),
            .cdrom(path: "x.iso"),
            .disk(volume: "vol/1", image: "../etc"),
            .disk(volume: "vol1", image: "web.qcow2"),
        ])
        #expect(messages(spec) == [
            "storage[1].path \"x.iso\" is not an absolute path; give one starting with \"/\", such as /srv/iso/debian.iso",
            "storage[2].volume \"vol/1\" must start with a letter and hold only letters, digits, \"-\" and \"_\" (at most 63 characters)",
            "storage[2].image \"../etc\" must start with a letter and hold only letters, digits, \".\", \"-\" and \"_\", never \"..\" (at most 63 characters), e.g. web.qcow2",
            "storage[3] attaches image \"web.qcow2\" of volume \"vol1\" again (already storage[0]); an image can be attached once",
        ])
    }

    @Test("kernel and initrd paths must be absolute and the command line one line")
    func kernel() {
        let spec = VMSpec(name: "a", kernel: DirectBoot(kernel: "vmlinuz", initrd: "boot/initrd", append: "a\nb"))
        #expect(messages(spec) == [
            "kernel.kernel \"vmlinuz\" is not an absolute path; give one starting with \"/\", such as /boot/vmlinuz",
            "kernel.initrd \"boot/initrd\" is not an absolute path; give one starting with \"/\", such as /boot/initrd.img",
            "kernel.append contains a control or non-ASCII character; give the command line on one line in printable ASCII",
        ])
    }

    @Test("label keys follow a simple pattern and values stay short and printable")
    func labels() {
        let spec = VMSpec(name: "a", labels: ["": "x", "team": String(repeating: "v", count: 256), "ok/key-1.x": "fine", "env": "a\u{0}"])
        #expect(messages(spec) == [
            "labels key \"\" must start with a letter or digit and hold only letters, digits, \".\", \"_\", \"-\" and \"/\" (1 to 63 characters)",
            "labels[\"env\"] contains a control character (newline, NUL, …); use printable text",
            "labels[\"team\"] is 256 characters long; keep label values to at most 255 characters",
        ])
    }

    @Test("new images must be valid, given once and used as a disk")
    func newImages() {
        let spec = VMSpec(name: "a", storage: [.disk(volume: "v", image: "a.img")], newImages: [
            ImageSpec(volume: "v", name: "a.img", sizeBytes: 0),
            ImageSpec(volume: "v", name: "a.img", sizeBytes: 1),
            ImageSpec(volume: "v", name: "b.img", sizeBytes: 1),
        ])
        #expect(messages(spec) == [
            "newImages[0].sizeBytes 0 is too small; give a size above 0 bytes, e.g. 10737418240 for 10 GiB",
            "newImages[1] creates image \"a.img\" in volume \"v\" twice; give it once",
            "newImages[2] image \"b.img\" of volume \"v\" is not in storage; add it as a disk or drop it",
        ])
    }

    @Test("every problem is reported at once and turned into one invalid-argument error, one per line")
    func everyProblemAtOnce() throws {
        let spec = VMSpec(name: "1web", cpus: 0, memoryMiB: 8)
        let problems = spec.validate()
        #expect(problems.map(\.field) == ["name", "cpus", "memoryMiB"])
        let error = try #require(ValidationProblem.error(for: problems))
        #expect(error.code == .invalidArgument)
        #expect(error.message.split(separator: "\n").count == 3)
        #expect(error.message.contains("memoryMiB 8 is too small; give at least 16"))
        #expect(ValidationProblem.error(for: []) == nil)
    }
}

@Suite("absolute paths by their first byte")
struct AbsolutePathByteTests {
    @Test("a path whose slash combines with the next character into one grapheme is still absolute")
    func slashWithModifier() throws {
        // "/" followed by an emoji modifier is one grapheme cluster: String.hasPrefix("/") is
        // false for it, which schemathesis found (a valid absolute path refused as relative).
        let path = "/\u{1F3FB}\u{86}x"
        #expect(!path.hasPrefix("/"))
        let spec = VMSpec(name: "web", storage: [.cdrom(path: path)])
        let problems = spec.validate()
        #expect(!problems.contains { $0.message.contains("not an absolute path") }, "\(problems)")
    }
}
