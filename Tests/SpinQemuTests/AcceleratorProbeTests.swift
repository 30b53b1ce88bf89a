import Foundation
import Testing
@testable import SpinQemu

@Suite("AcceleratorProbe")
struct AcceleratorProbeTests {
    private func write(_ text: String, _ directory: borrowing TemporaryDirectory, _ name: String) throws -> String {
        let path = directory.file(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("auto picks KVM when the device opens and the CPU has vmx")
    func kvmWithVMX() throws {
        let directory = try TemporaryDirectory()
        let kvm = try write("", directory, "kvm")
        let cpu = try write("processor: 0\nflags\t\t: fpu vme vmx sse2\n", directory, "cpuinfo")
        let choice = AcceleratorProbe(kvmDevicePath: kvm, cpuInfoPath: cpu).choose(.auto)
        #expect(choice.accelerator == .kvm)
        #expect(choice.reason.contains("vmx"))
    }

    @Test("auto picks KVM on AMD's svm flag")
    func kvmWithSVM() throws {
        let directory = try TemporaryDirectory()
        let kvm = try write("", directory, "kvm")
        let cpu = try write("flags\t\t: fpu svm\n", directory, "cpuinfo")
        #expect(AcceleratorProbe(kvmDevicePath: kvm, cpuInfoPath: cpu).choose().accelerator == .kvm)
    }

    @Test("auto falls back to TCG when the device opens but the CPU has no vmx/svm")
    func noFlag() throws {
        let directory = try TemporaryDirectory()
        let kvm = try write("", directory, "kvm")
        let cpu = try write("flags\t\t: fpu vme hypervisor\nvmx flags\t: ept\n", directory, "cpuinfo")
        let choice = AcceleratorProbe(kvmDevicePath: kvm, cpuInfoPath: cpu).choose(.auto)
        #expect(choice.accelerator == .tcg)
        #expect(choice.reason.contains("no vmx/svm flag (nested virtualization off); using TCG"))
    }

    @Test("auto falls back to TCG when the device cannot be opened")
    func noDevice() throws {
        let directory = try TemporaryDirectory()
        let cpu = try write("flags\t\t: vmx\n", directory, "cpuinfo")
        let choice = AcceleratorProbe(kvmDevicePath: directory.file("missing"), cpuInfoPath: cpu).choose(.auto)
        #expect(choice.accelerator == .tcg)
        #expect(choice.reason.contains("cannot be opened"))
    }

    @Test("explicit requests are honoured")
    func explicit() {
        let probe = AcceleratorProbe(kvmDevicePath: "/nonexistent", cpuInfoPath: "/nonexistent")
        #expect(probe.choose(.kvm).accelerator == .kvm)
        #expect(probe.choose(.tcg).accelerator == .tcg)
    }

    @Test("on this host auto picks TCG")
    func thisHost() {
        let choice = AcceleratorProbe().choose(.auto)
        #expect(choice.accelerator == .tcg, "\(choice.reason)")
    }
}

@Suite("QemuBinary")
struct QemuBinaryTests {
    @Test("discovery finds qemu-system-x86_64 and qemu-img on PATH")
    func discover() throws {
        let binary = try QemuBinary.discover()
        #expect(binary.systemPath.hasSuffix("/qemu-system-x86_64"))
        #expect(binary.imgPath.hasSuffix("/qemu-img"))
    }

    @Test("a missing program is named in the error")
    func missing() {
        #expect(throws: QemuBinary.NotFound(program: "qemu-system-x86_64")) {
            try QemuBinary.discover(path: "/nonexistent")
        }
        #expect(throws: QemuBinary.NotFound(program: "/no/qemu")) {
            try QemuBinary.discover(systemOverride: "/no/qemu")
        }
    }

    @Test("the version line is parsed")
    func parseVersion() {
        let version = QemuBinary.parseVersion("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright")
        #expect(version == QMPVersion(major: 7, minor: 2, micro: 22, package: "Debian 1:7.2+dfsg-7+deb12u18+b3"))
        #expect(QemuBinary.parseVersion("nonsense") == nil)
    }

    @Test("the installed emulator reports version 7.2 or later and supports the sandbox")
    func installed() async throws {
        let binary = try QemuBinary.discover()
        let version = try await binary.version()
        #expect(version >= QMPVersion(major: 7, minor: 2, micro: 0))
        #expect(await binary.supportsSandbox())
    }

    @Test("sandbox diagnostics are read correctly")
    func sandboxDiagnostics() {
        #expect(QemuBinary.sandboxSupported(stderr: "qemu: -sandbox help: Parameter 'enable' expects 'on' or 'off'"))
        #expect(!QemuBinary.sandboxSupported(stderr: "qemu: -sandbox support is not enabled in this QEMU binary"))
        #expect(!QemuBinary.sandboxSupported(stderr: "qemu: -sandbox: invalid option"))
    }
}
