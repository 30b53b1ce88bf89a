import Foundation
import SpinTestSupport
import SpinStore
import Testing

@Suite("Several processes on one store", .serialized)
struct StoreProcessTests {
    @Test("two child processes and this one write the same store at once; nothing is lost")
    func concurrentProcesses() async throws {
        let temp = try TemporaryStore(options: StoreOptions(initialMapSize: 64 << 10))
        // The children start from a tiny map and grow it while this process also writes, so
        // every process must adopt maps grown by the others.
        let path = temp.path
        async let first = Task.detached { try runTestkit(["store-sequences", path, "150"]) }.value
        async let second = Task.detached { try runTestkit(["store-sequences", path, "150"]) }.value
        for i in 0..<100 {
            try temp.store.write { txn in
                try txn.put([UInt8](repeating: 3, count: 2048), forKey: "parent-\(i)", in: "parent")
            }
        }
        let (a, b) = try await (first, second)
        #expect(a.status == 0)
        #expect(b.status == 0)
        let values = (a.output + b.output).split(separator: "\n").compactMap { UInt64($0) }
        #expect(values.count == 300)
        #expect(Set(values) == Set(1...300), "sequence values are unique across processes")
        try temp.store.read { txn throws in
            let seq = try #require(try txn.database(named: "seq"))
            #expect(try txn.count(in: seq) == 300)
            #expect(try txn.currentSequence(for: seq) == 300)
            #expect(try txn.entries(in: "parent").count == 100)
        }
    }

    @Test("a writer killed with SIGKILL at random moments loses no committed transaction and leaves none half-written")
    func crashSafety() throws {
        let temp = try TemporaryStore(options: StoreOptions(initialMapSize: 256 << 10))
        var reported = Set<UInt64>()
        for round in 0..<24 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try testkitPath())
            process.arguments = ["store-writer", temp.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            usleep(UInt32.random(in: 2_000...(round.isMultiple(of: 4) ? 400_000 : 60_000)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            for line in output.split(separator: "\n") where line.hasPrefix("committed ") {
                if let n = UInt64(line.dropFirst("committed ".count)) { reported.insert(n) }
            }
            try verify(temp.path, reported: reported)
        }
        #expect(reported.count > 24, "the writer committed transactions between kills")
    }

    /// Every reported transaction is whole; every transaction present is whole; `last` is the
    /// newest present.
    private func verify(_ path: String, reported: Set<UInt64>) throws {
        let store = try Store(path: path)
        try store.read { txn in
            guard let db = try txn.database(named: "crash") else {
                #expect(reported.isEmpty)
                return
            }
            let last = try txn.get("last", in: db).flatMap { UInt64(storeKey: $0) } ?? 0
            #expect(reported.allSatisfy { $0 <= last }, "a reported commit is missing")
            var present = 0
            try txn.forEach(in: db, range: .prefix("t")) { _, _ in
                present += 1
                return true
            }
            #expect(present == Int(last) * 10, "a transaction is half present")
            for n in [last, last / 2, 1] where n > 0 {
                for k in 0..<10 { #expect(try txn.contains("t\(n)-\(k)", in: db)) }
            }
        }
    }
}
