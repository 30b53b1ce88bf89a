import SpinStore
import Testing

@Suite("Map growth")
struct StoreGrowthTests {
    @Test("writes past the initial map size succeed and the map grows")
    func growsPastInitialSize() throws {
        let temp = try TemporaryStore(options: StoreOptions(initialMapSize: 64 << 10, durable: false))
        let initial = temp.store.mapSize
        let value = [UInt8](repeating: 7, count: 4096)
        // One large transaction and many small ones, both past the initial map.
        try temp.store.write { txn in
            let db = try txn.createDatabase(named: "big")
            for i in 0..<200 { try txn.put(value, forKey: UInt64(i), in: db) }
        }
        for i in 200..<400 {
            try temp.store.write { txn in try txn.put(value, forKey: UInt64(i), in: "big") }
        }
        #expect(temp.store.mapSize > initial)
        #expect(temp.store.mapSize >= 400 * 4096)
        let count = try temp.store.read { txn in try txn.count(in: #require(try txn.database(named: "big"))) }
        #expect(count == 400)
    }

    @Test("opening the same path twice in one process shares one environment")
    func sharedEnvironment() throws {
        let temp = try TemporaryStore(options: StoreOptions(initialMapSize: 64 << 10, durable: false))
        let other = try Store(path: temp.path + "/.", options: StoreOptions(initialMapSize: 64 << 10, durable: false))
        let value = [UInt8](repeating: 1, count: 8192)
        try temp.store.write { txn in
            let db = try txn.createDatabase(named: "g")
            for i in 0..<100 { try txn.put(value, forKey: UInt64(i), in: db) }
        }
        #expect(other.mapSize == temp.store.mapSize)
        let count = try other.read { txn in try txn.count(in: #require(try txn.database(named: "g"))) }
        #expect(count == 100)
    }
}
