import Foundation
import SpinCore
import SpinStore
import Testing

@Suite("Registry performance")
struct RegistryPerformanceTests {
    /// Fills a store with 10,000 VMs through `createVM`, then times a cold listing (a fresh
    /// registry: every record decoded), warm listings (cached records) and single lookups.
    @Test("listing 10,000 VMs and looking one up are fast (timings printed, not asserted)")
    func tenThousand() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        let count = 10_000
        try temp.volume()
        let fillStart = ContinuousClock.now
        for index in 0..<count {
            try r.createVM(VMSpec(
                name: "vm-\(index)", cpus: 2, memoryMiB: 1024,
                ports: [PortForward(guestPort: 22, hostAddress: "127.0.0.1", hostPort: 10_000 + index)],
                storage: [.cdrom(path: "/srv/iso/debian-12.iso")],
                kernel: DirectBoot(kernel: "/boot/vmlinuz", initrd: "/boot/initrd.img", append: "console=ttyS0 panic=-1"),
                labels: ["team": "core", "tier": "web"]))
        }
        let fill = ContinuousClock.now - fillStart
        let coldStart = ContinuousClock.now
        let cold = try Registry(store: temp.store).listVMs()
        let coldTime = ContinuousClock.now - coldStart
        #expect(cold.count == count)
        var best = Duration.seconds(60)
        var listed: [VM] = []
        for _ in 0..<5 {
            let start = ContinuousClock.now
            listed = try r.listVMs()
            best = min(best, ContinuousClock.now - start)
        }
        #expect(listed.count == count)
        #expect(listed.map(\.id) == (1...UInt64(count)).map { $0 })
        let lookupStart = ContinuousClock.now
        for index in stride(from: 0, to: count, by: 100) {
            _ = try r.vm("vm-\(index)")
            _ = try r.vm(id: UInt64(index + 1))
        }
        let lookup = (ContinuousClock.now - lookupStart) / 200
        print("registry timing (debug build): created \(count) VMs in \(fill); listVMs cold \(coldTime), warm best of 5 \(best); vm(_:) ≈ \(lookup) per lookup")
    }
}
