import Foundation
import SpinCore
import SpinQemu
import Testing

@Suite("host facts cache")
struct HostFactsCacheTests {
    /// A fake KVM device and CPU-information file, so the key's inputs can be changed.
    struct FakeHost {
        let directory: TemporaryDirectory
        var cpuInfo: String { directory.path + "/cpuinfo" }
        var kvm: String { directory.path + "/kvm" }
        var probe: AcceleratorProbe { AcceleratorProbe(kvmDevicePath: kvm, cpuInfoPath: cpuInfo) }

        init() throws {
            directory = try TemporaryDirectory(prefix: "spin-facts")
            try "flags\t\t: fpu sse2\n".write(toFile: cpuInfo, atomically: true, encoding: .utf8)
        }

        func binary() throws -> QemuBinary { try QemuBinary.discover() }
    }

    @Test("the accelerator choice is kept in the root and probed again when its inputs change")
    func acceleratorKeyed() throws {
        let host = try FakeHost()
        let root = SpinRoot(explicit: host.directory.path)
        let cache = HostFactsCache(root: root, writes: true, binary: try host.binary(), probe: host.probe)
        let first = cache.acceleratorChoice(.auto)
        #expect(first.accelerator == .tcg)
        #expect(first.reason.contains("cannot be opened"))
        #expect(FileManager.default.fileExists(atPath: host.directory.path + "/" + HostFactsCache.fileName))
        // The device appears and the CPU gains vmx: a fresh check sees both.
        #expect(FileManager.default.createFile(atPath: host.kvm, contents: Data()))
        try "flags\t\t: fpu vmx sse2\n".write(toFile: host.cpuInfo, atomically: true, encoding: .utf8)
        let second = cache.acceleratorChoice(.auto, fresh: true)
        #expect(second.accelerator == .kvm)
        // Another process (a new cache on the same root) reads the file without probing.
        let other = HostFactsCache(root: root, writes: true, binary: try host.binary(), probe: host.probe)
        #expect(other.acceleratorChoice(.auto) == second)
        // Explicit choices are not facts.
        #expect(cache.acceleratorChoice(.tcg).accelerator == .tcg)
    }

    @Test("a read-only cache never writes, and a torn file is probed again")
    func readOnlyAndTorn() async throws {
        let host = try FakeHost()
        let root = SpinRoot(explicit: host.directory.path)
        let file = host.directory.path + "/" + HostFactsCache.fileName
        let reader = HostFactsCache(root: root, writes: false, binary: try host.binary(), probe: host.probe)
        _ = reader.acceleratorChoice(.auto)
        let direct = await (try host.binary()).probeSandbox()
        #expect(await reader.sandboxSupported() == direct)
        #expect(!FileManager.default.fileExists(atPath: file))
        try Data("{\"key\":{\"kvmOpens\":tr".utf8).write(to: URL(fileURLWithPath: file))
        let writer = HostFactsCache(root: root, writes: true, binary: try host.binary(), probe: host.probe)
        let version = await writer.qemuVersion()
        #expect(version?.first?.isNumber == true)
        let stored = try JSONDecoder().decode(HostFacts.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        #expect(stored.qemuVersion == version)
        #expect(stored.key == HostFactsKey.current(binary: try host.binary(), probe: host.probe))
    }
}
