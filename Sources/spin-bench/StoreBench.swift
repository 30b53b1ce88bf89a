import ArgumentParser
import CLMDB
import Foundation
import SpinStore

/// `spin-bench store`: SpinStore against raw C LMDB calls on the same data and disk.
struct StoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "SpinStore vs raw LMDB: bulk puts, batched puts, durable commits, random gets, scans."
    )

    @Option(help: "Entries for the bulk, batched, get and scan rows.") var entries = 100_000
    @Option(help: "Single-key durable commits.") var commits = 10_000
    @Option(help: "Value size in bytes.") var valueSize = 100
    @Option(help: "Repetitions per row; the best run counts.") var repeats = 3
    @Flag(help: "Print the table as Markdown.") var markdown = false

    func run() throws {
        let value = [UInt8](repeating: 0xAB, count: valueSize)
        let keys = (0..<UInt64(entries)).map { $0 &* 2_654_435_761 % 1_000_000_007 }
        let lookups = (0..<entries).map { _ in keys[Int.random(in: 0..<keys.count)] }
        var table = BenchTable(header: ["operation", "raw LMDB ops/s", "SpinStore ops/s", "ratio"])

        func row(_ name: String, ops: Int, raw: (RawLMDB) throws -> Void, spin: (Store) throws -> Void,
                 prepare: ((RawLMDB, Store) throws -> Void)? = nil) throws {
            var best = (raw: Double.infinity, spin: Double.infinity)
            for _ in 0..<repeats {
                let dir = try makeBenchDirectory("store")
                defer { try? FileManager.default.removeItem(atPath: dir) }
                let rawEnv = try RawLMDB(path: dir + "/raw")
                let store = try Store(path: dir + "/spin", options: StoreOptions(initialMapSize: 1 << 30))
                try prepare?(rawEnv, store)
                best.raw = min(best.raw, try measure { try raw(rawEnv) }.seconds)
                best.spin = min(best.spin, try measure { try spin(store) }.seconds)
            }
            let rawRate = Double(ops) / best.raw, spinRate = Double(ops) / best.spin
            table.add([name, formatRate(rawRate), formatRate(spinRate), String(format: "%.2f", spinRate / rawRate)])
        }

        let fill: (RawLMDB, Store) throws -> Void = { raw, store in
            try raw.putAll(keys, value: value, batch: keys.count)
            try store.write { txn in
                let db = try txn.createDatabase(named: "bench")
                for key in keys { try txn.put(value, forKey: key, in: db) }
            }
        }

        try row("\(entries) puts, one transaction", ops: entries,
            raw: { try $0.putAll(keys, value: value, batch: keys.count) },
            spin: { store in
                try store.write { txn in
                    let db = try txn.createDatabase(named: "bench")
                    for key in keys { try txn.put(value, forKey: key, in: db) }
                }
            })
        try row("\(entries) puts, 1k-key transactions", ops: entries,
            raw: { try $0.putAll(keys, value: value, batch: 1000) },
            spin: { store in
                var start = 0
                while start < keys.count {
                    let slice = keys[start..<min(start + 1000, keys.count)]
                    try store.write { txn in
                        let db = try txn.createDatabase(named: "bench")
                        for key in slice { try txn.put(value, forKey: key, in: db) }
                    }
                    start += 1000
                }
            })
        let commitKeys = Array(keys.prefix(commits))
        try row("\(commits) durable single-key commits", ops: commits,
            raw: { try $0.putAll(commitKeys, value: value, batch: 1) },
            spin: { store in
                for key in commitKeys {
                    try store.write { txn in try txn.put(value, forKey: key, in: "bench") }
                }
            })
        try row("\(entries) random gets, one read transaction", ops: entries,
            raw: { try $0.getAll(lookups) },
            spin: { store in
                try store.read { txn in
                    guard let db = try txn.database(named: "bench") else { return }
                    var total = 0
                    for key in lookups { total &+= try txn.withValue(forKey: key, in: db) { $0?.count ?? 0 } }
                    precondition(total == lookups.count * value.count)
                }
            }, prepare: fill)
        try row("full cursor scan of \(entries)", ops: entries,
            raw: { try $0.scan(expected: keys.count) },
            spin: { store in
                var count = 0
                try store.read { txn in
                    guard let db = try txn.database(named: "bench") else { return }
                    try txn.forEach(in: db) { _, _ in
                        count += 1
                        return true
                    }
                }
                precondition(count == keys.count)
            }, prepare: fill)
        print(table.render(markdown: markdown))
    }
}
