import SpinStore
import Testing

@Suite("Ordered iteration")
struct StoreOrderingTests {
    func store(with keys: [String]) throws -> TemporaryStore {
        let temp = try TemporaryStore()
        try temp.store.write { txn in
            let db = try txn.createDatabase(named: "keys")
            for key in keys.shuffled() { try txn.put(Array(key.utf8), forKey: key, in: db) }
        }
        return temp
    }

    func keys(_ temp: TemporaryStore, range: KeyRange = .all, reverse: Bool = false, limit: Int = .max) throws -> [String] {
        try temp.store.read { txn throws in
            try txn.entries(in: "keys", range: range, reverse: reverse, limit: limit).map(\.stringKey)
        }
    }

    @Test("integer keys iterate in numeric order because they are stored big-endian")
    func integerOrder() throws {
        let temp = try TemporaryStore()
        let numbers: [UInt64] = [300, 2, 1 << 40, 0, 17, 256]
        try temp.store.write { txn in
            let db = try txn.createDatabase(named: "n")
            for n in numbers { try txn.put([], forKey: n, in: db) }
        }
        let read = try temp.store.read { txn in try txn.entries(in: "n").compactMap(\.integerKey) }
        #expect(read == numbers.sorted())
    }

    @Test("entries come in byte order, forwards and backwards")
    func forwardAndReverse() throws {
        let temp = try store(with: ["b", "a", "c", "ab", "ba"])
        #expect(try keys(temp) == ["a", "ab", "b", "ba", "c"])
        #expect(try keys(temp, reverse: true) == ["c", "ba", "b", "ab", "a"])
        #expect(try keys(temp, limit: 2) == ["a", "ab"])
        #expect(try keys(temp, reverse: true, limit: 1) == ["c"])
    }

    @Test("a prefix selects exactly the keys that start with it, in both directions")
    func prefixes() throws {
        let temp = try store(with: ["vm/1", "vm/2", "vm/10", "vmx", "vl/1", "w"])
        #expect(try keys(temp, range: .prefix("vm/")) == ["vm/1", "vm/10", "vm/2"])
        #expect(try keys(temp, range: .prefix("vm/"), reverse: true) == ["vm/2", "vm/10", "vm/1"])
        #expect(try keys(temp, range: .prefix("zz")) == [])
        #expect(try keys(temp, range: .prefix("w"), reverse: true) == ["w"])
    }

    @Test("a prefix of 0xFF bytes runs to the end of the database")
    func prefixOfMaxBytes() throws {
        let temp = try TemporaryStore()
        try temp.store.write { txn in
            let db = try txn.createDatabase(named: "b")
            for key: [UInt8] in [[0xFF], [0xFF, 0x01], [0xFF, 0xFF], [0xFE]] { try txn.put([], forKey: key, in: db) }
        }
        let read = try temp.store.read { txn in try txn.entries(in: "b", range: .prefix([UInt8]([0xFF]))).map(\.key) }
        #expect(read == [[0xFF], [0xFF, 0x01], [0xFF, 0xFF]])
    }

    @Test("a range includes its lower bound and excludes its upper bound")
    func ranges() throws {
        let temp = try store(with: ["a", "b", "c", "d", "e"])
        #expect(try keys(temp, range: KeyRange(from: "b", to: "d")) == ["b", "c"])
        #expect(try keys(temp, range: KeyRange(from: "b", to: "d"), reverse: true) == ["c", "b"])
        #expect(try keys(temp, range: KeyRange(from: "bb", to: "zz"), reverse: true) == ["e", "d", "c"])
        #expect(try keys(temp, range: KeyRange(from: "c")) == ["c", "d", "e"])
        #expect(try keys(temp, range: KeyRange(to: "c")) == ["a", "b"])
    }

    @Test("a cursor moves first, next, seek, last and previous")
    func cursor() throws {
        let temp = try store(with: ["a", "c", "e"])
        try temp.store.read { txn throws in
            let db = try #require(try txn.database(named: "keys"))
            try txn.withCursor(in: db) { cursor throws in
                #expect(try cursor.first()?.stringKey == "a")
                #expect(try cursor.next()?.stringKey == "c")
                #expect(try cursor.seek(atLeast: "d")?.stringKey == "e")
                #expect(try cursor.next() == nil)
                #expect(try cursor.last()?.stringKey == "e")
                #expect(try cursor.previous()?.stringKey == "c")
            }
        }
    }

    @Test("decodeAll returns values in key order")
    func decodeAll() throws {
        let temp = try TemporaryStore()
        try temp.store.write { txn in
            let db = try txn.createDatabase(named: "nums")
            for n in [3, 1, 2] { try txn.encode(n * 10, forKey: UInt64(n), in: db) }
        }
        let values = try temp.store.read { txn throws in
            try txn.decodeAll(Int.self, in: #require(try txn.database(named: "nums")))
        }
        #expect(values == [10, 20, 30])
    }
}
