import Foundation
import SpinStore
import Testing

@Suite("Store basics")
struct StoreBasicsTests {
    @Test("a value written in one transaction reads back in the next")
    func roundTrip() throws {
        let temp = try TemporaryStore()
        try temp.store.write { txn in
            let db = try txn.createDatabase(named: "things")
            try txn.put(Array("hello".utf8), forKey: "greeting", in: db)
            try txn.put([1, 2, 3], forKey: UInt64(7), in: db)
        }
        try temp.store.read { txn throws in
            let db = try #require(try txn.database(named: "things"))
            #expect(try txn.get("greeting", in: db) == Array("hello".utf8))
            #expect(try txn.get(UInt64(7), in: db) == [1, 2, 3])
            #expect(try txn.get("missing", in: db) == nil)
            #expect(try txn.count(in: db) == 2)
        }
    }

    @Test("a database that was never created reads as absent, not as an error")
    func missingDatabase() throws {
        let temp = try TemporaryStore()
        try temp.store.read { txn throws in
            #expect(try txn.database(named: "nothing") == nil)
            #expect(try txn.get("k", in: "nothing") == nil)
            #expect(try txn.entries(in: "nothing").isEmpty)
        }
    }

    @Test("put-if-absent keeps the first value and says so")
    func putIfAbsent() throws {
        let temp = try TemporaryStore()
        try temp.store.write { txn in
            let db = try txn.createDatabase(named: "names")
            #expect(try txn.putIfAbsent([1], forKey: "web", in: db))
            #expect(try txn.putIfAbsent([2], forKey: "web", in: db) == false)
            #expect(try txn.get("web", in: db) == [1])
        }
    }

    @Test("delete removes a key and reports whether it was there")
    func delete() throws {
        let temp = try TemporaryStore()
        try temp.store.write { txn in
            let db = try txn.createDatabase(named: "d")
            try txn.put([1], forKey: "a", in: db)
            #expect(try txn.delete("a", in: db))
            #expect(try txn.delete("a", in: db) == false)
            #expect(try txn.get("a", in: db) == nil)
        }
    }

    @Test("an aborted write leaves nothing behind")
    func abortedWrite() throws {
        struct Boom: Error {}
        let temp = try TemporaryStore()
        #expect(throws: Boom.self) {
            try temp.store.write { txn in
                let db = try txn.createDatabase(named: "half")
                try txn.put([1], forKey: "a", in: db)
                _ = try txn.nextSequence(for: db)
                throw Boom()
            }
        }
        try temp.store.read { txn throws in
            #expect(try txn.database(named: "half") == nil)
        }
        try temp.store.write { txn in
            let db = try txn.createDatabase(named: "half")
            #expect(try txn.get("a", in: db) == nil)
            #expect(try txn.nextSequence(for: db) == 1)
        }
    }

    @Test("Codable values round-trip as JSON")
    func codable() throws {
        struct Machine: Codable, Equatable { var name: String; var cpus: Int }
        let temp = try TemporaryStore()
        try temp.store.write { txn in
            let db = try txn.createDatabase(named: "machines")
            try txn.encode(Machine(name: "web", cpus: 2), forKey: UInt64(1), in: db)
        }
        let machine = try temp.store.read { txn throws in
            try txn.decode(Machine.self, forKey: UInt64(1), in: "machines")
        }
        #expect(machine == Machine(name: "web", cpus: 2))
    }

    @Test("a value that does not decode gives an error naming the type, key and database")
    func decodingError() throws {
        struct Machine: Codable { var name: String }
        let temp = try TemporaryStore()
        try temp.store.write { txn in
            try txn.put(Array("{\"nom\":1}".utf8), forKey: UInt64(42), in: "machines")
        }
        do {
            _ = try temp.store.read { txn in try txn.decode(Machine.self, forKey: UInt64(42), in: "machines") }
            Issue.record("decoding should fail")
        } catch let error as StoreError {
            #expect(error.kind == .decoding)
            #expect(error.message.contains("Machine"))
            #expect(error.message.contains("key 42"))
            #expect(error.message.contains("machines"))
        }
    }

    @Test("sequences start at 1, increase per database and survive deletes and reopening")
    func sequences() throws {
        let temp = try TemporaryStore()
        try temp.store.write { txn in
            let a = try txn.createDatabase(named: "a")
            let b = try txn.createDatabase(named: "b")
            #expect(try txn.nextSequence(for: a) == 1)
            #expect(try txn.nextSequence(for: a) == 2)
            #expect(try txn.nextSequence(for: b) == 1)
            try txn.removeAll(in: a)
        }
        let reopened = try Store(path: temp.path, options: StoreOptions(durable: false))
        try reopened.write { txn in
            let a = try txn.createDatabase(named: "a")
            #expect(try txn.currentSequence(for: a) == 2)
            #expect(try txn.nextSequence(for: a) == 3)
        }
    }

    @Test("reserved and empty database names are refused")
    func reservedNames() throws {
        let temp = try TemporaryStore()
        #expect(throws: StoreError.self) { try temp.store.write { try $0.createDatabase(named: "") } }
        #expect(throws: StoreError.self) { try temp.store.write { try $0.createDatabase(named: "__spin.sequences") } }
    }

    @Test("an empty key is refused with a clear error")
    func emptyKey() throws {
        let temp = try TemporaryStore()
        do {
            try temp.store.write { txn in try txn.put([1], forKey: [UInt8](), in: "d") }
            Issue.record("empty key should fail")
        } catch let error as StoreError {
            #expect(error.message.contains("empty or too long"))
        }
    }
}
