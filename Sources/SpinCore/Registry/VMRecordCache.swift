import Glibc
import Synchronization

/// Decoded VMs remembered with the exact stored bytes they came from, so that listing many
/// VMs again decodes only the records that changed.
///
/// A cached VM is used only when the record in the store is byte-for-byte the one it was
/// decoded from, so the cache can never serve a stale VM, whichever process wrote the store
/// and whenever (the check runs inside the caller's read transaction, on its snapshot).
final class VMRecordCache: Sendable {
    /// A class, so that moving entries between the scan and the cache costs one retain
    /// rather than one per field of the VM.
    fileprivate final class Entry: Sendable {
        let bytes: [UInt8]
        let vm: VM

        init(bytes: [UInt8], vm: VM) {
            self.bytes = bytes
            self.vm = vm
        }
    }

    private let entries = Mutex<[UInt64: Entry]>([:])

    /// A consistent view to use for one scan, and the records it had to decode.
    struct Scan: ~Copyable {
        fileprivate var known: [UInt64: Entry]
        fileprivate var misses: [(UInt64, Entry)] = []

        /// The VM stored as `bytes` under `id`: the cached one when the bytes match, else
        /// freshly decoded (and remembered for ``VMRecordCache/finish(_:seen:)``).
        mutating func vm(id: UInt64, bytes: UnsafeRawBufferPointer) throws -> VM {
            if let entry = known[id], Self.same(entry.bytes, bytes) { return entry.vm }
            let vm = try VMRecordCodec.decode(bytes, key: id)
            misses.append((id, Entry(bytes: Array(bytes), vm: vm)))
            return vm
        }

        private static func same(_ cached: [UInt8], _ stored: UnsafeRawBufferPointer) -> Bool {
            guard cached.count == stored.count else { return false }
            return cached.withUnsafeBytes { cached in
                guard let a = cached.baseAddress, let b = stored.baseAddress else { return cached.count == 0 }
                return memcmp(a, b, cached.count) == 0
            }
        }
    }

    /// Starts a scan over the current cache contents (copy-on-write; no copying happens).
    func startScan() -> Scan { Scan(known: entries.withLock { $0 }) }

    /// Remembers what `scan` decoded; after a full listing (`seen` = every id in the store)
    /// also forgets VMs that no longer exist.
    func finish(_ scan: consuming Scan, seen: [UInt64]?) {
        let misses = scan.misses
        _ = consume scan  // release the scan's share of the dictionary before mutating it
        entries.withLock { cache in
            cache.reserveCapacity(cache.count + misses.count)
            for (id, entry) in misses { cache[id] = entry }
            if let seen, cache.count > seen.count {
                let live = Set(seen)
                cache = cache.filter { live.contains($0.key) }
            }
        }
    }
}
