import SpinStore

/// Reads shared by the registry's read and write paths (a write transaction is a read one too).
extension Registry {
    static func loadVM(id: UInt64, _ txn: ReadTransaction, _ t: Tables) throws -> VM? {
        try txn.withValue(forKey: id, in: t.vms) { bytes in
            try bytes.map { try VMRecordCodec.decode($0, key: id) }
        }
    }

    static func vmID(named name: String, _ txn: ReadTransaction, _ t: Tables) throws -> UInt64? {
        // A string that breaks the name rules names no VM (and may not even be a valid key).
        guard Validator.isName(name, allowDots: false) else { return nil }
        return try txn.withValue(forKey: name, in: t.vmNames) { $0.flatMap { UInt64(storeKey: $0) } }
    }

    /// The VM named by `ref`: an id in decimal ("12") or a name ("web").
    static func resolveVM(_ ref: String, _ txn: ReadTransaction, _ t: Tables?) throws -> VM {
        let missing = SpinError(.notFound, "VM \(quoted(ref)) does not exist; list VMs with spin vm list")
        guard let t else { throw missing }
        let id: UInt64?
        if let first = ref.utf8.first, first >= 0x30, first <= 0x39 {
            id = UInt64(ref)
        } else {
            id = try vmID(named: ref, txn, t)
        }
        guard let id, let vm = try loadVM(id: id, txn, t) else { throw missing }
        return vm
    }

    /// `VM 3 ("web")`, or `VM 3` when the record cannot be read.
    static func describeVM(id: UInt64, _ txn: ReadTransaction, _ t: Tables) -> String {
        guard let vm = try? loadVM(id: id, txn, t) else { return "VM \(id)" }
        return "VM \(id) (\(quoted(vm.name)))"
    }

    static func loadVolume(_ name: String, _ txn: ReadTransaction, _ t: Tables) throws -> Volume? {
        guard Validator.isName(name, allowDots: false) else { return nil }
        return try txn.decode(Volume.self, forKey: name, in: t.volumes)
    }

    /// The volume `name`, or `notFound` telling how to create it.
    static func requireVolume(_ name: String, _ txn: ReadTransaction, _ t: Tables?) throws -> Volume {
        guard let t, let volume = try loadVolume(name, txn, t) else {
            let shown = Validator.isName(name, allowDots: false) ? name : "NAME"
            throw SpinError(.notFound, "volume \(quoted(name)) does not exist; create it with spin volume create \(shown) PATH")
        }
        return volume
    }

    static func loadImage(volume: String, name: String, _ txn: ReadTransaction, _ t: Tables) throws -> Image? {
        guard Validator.isName(volume, allowDots: false), Validator.isName(name, allowDots: true) else { return nil }
        return try txn.decode(Image.self, forKey: Tables.imageKey(volume: volume, name: name), in: t.images)
    }

    /// The image `name` of `volume`, or `notFound` (naming a missing volume first).
    static func requireImage(volume: String, name: String, _ txn: ReadTransaction, _ t: Tables?) throws -> Image {
        _ = try requireVolume(volume, txn, t)
        guard let t, let image = try loadImage(volume: volume, name: name, txn, t) else {
            throw SpinError(.notFound, "image \(quoted(name)) does not exist in volume \(quoted(volume)); create it with spin image create \(volume) \(name) SIZE")
        }
        return image
    }

    static func putImage(_ image: Image, _ txn: WriteTransaction, _ t: Tables) throws {
        try txn.encode(image, forKey: Tables.imageKey(volume: image.volume, name: image.name), in: t.images)
    }
}
