import ArgumentParser
import Foundation
import SpinCore
import SpinStore

/// `spin-bench registry`: listing and looking up 10,000 VMs, next to a raw scan of the same
/// records' bytes.
struct RegistryBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Registry list and get with many VMs vs a raw LMDB scan of the same records."
    )

    @Option(help: "VMs to define.") var vms = 10_000
    @Option(help: "Repetitions; the best (and the first, cold) count.") var repeats = 5
    @Flag(help: "Print the table as Markdown.") var markdown = false

    func run() throws {
        let dir = try makeBenchDirectory("registry")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir + "/store", options: StoreOptions(initialMapSize: 1 << 30, durable: false))
        let registry = try Registry(store: store)
        _ = try registry.createVolume(name: "vol", path: dir + "/vol")
        for index in 0..<vms {
            try registry.createVM(VMSpec(
                name: "vm-\(index)", cpus: 2, memoryMiB: 1024,
                ports: [PortForward(guestPort: 22, hostAddress: "127.0.0.1", hostPort: 10_000 + index % 50_000)],
                storage: [.cdrom(path: "/srv/iso/debian-12.iso")],
                labels: ["team": "core"]))
        }
        let clock = ContinuousClock()
        let cold = try clock.measure { _ = try Registry(store: store).listVMs() }
        var warm = Duration.seconds(60), raw = Duration.seconds(60)
        for _ in 0..<repeats {
            warm = min(warm, try clock.measure {
                let listed = try registry.listVMs()
                precondition(listed.count == vms)
            })
            raw = min(raw, try clock.measure {
                let count = try store.read { txn in try txn.entries(in: "vms").count }
                precondition(count == vms)
            })
        }
        let lookups = 1000
        let byID = try clock.measure { for i in 0..<lookups { _ = try registry.vm(id: UInt64(i * 7 % vms + 1)) } } / lookups
        let byName = try clock.measure { for i in 0..<lookups { _ = try registry.vm("vm-\(i * 7 % vms)") } } / lookups
        var table = BenchTable(header: ["operation", "time", "raw scan of the records", "ratio raw/spin"])
        let ms = { (d: Duration) in String(format: "%.2f ms", d.seconds * 1000) }
        table.add(["list \(vms) VMs, cold (fresh registry)", ms(cold), ms(raw), String(format: "%.2f", raw.seconds / cold.seconds)])
        table.add(["list \(vms) VMs, warm", ms(warm), ms(raw), String(format: "%.2f", raw.seconds / warm.seconds)])
        table.add(["get by id", String(format: "%.1f µs", byID.seconds * 1e6), "", ""])
        table.add(["get by name", String(format: "%.1f µs", byName.seconds * 1e6), "", ""])
        print(table.render(markdown: markdown))
    }
}
