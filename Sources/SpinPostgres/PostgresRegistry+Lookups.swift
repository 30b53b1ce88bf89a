import Foundation
import PostgresNIO
import SpinCore
import SpinModel

/// Reads shared by the registry's calls, on the connection (or transaction) they are given.
/// `lock` takes the row for the rest of the transaction (see ``RowLock``).
extension PostgresRegistry {
    static func loadVM(id: UInt64, lock: RowLock = .none, _ c: PostgresConnection) async throws -> VM? {
        guard let key = Int64(exactly: id) else { return nil }
        let rows = try await c.query(
            "SELECT id, name, body::text FROM registry_vms WHERE id = \(key) \(unescaped: lock.rawValue)", logger: logger)
        for try await (id, name, body) in rows.decode((Int64, String, String).self) {
            var vm = try decode(VM.self, body)
            vm.id = UInt64(id)
            vm.name = name
            return vm
        }
        return nil
    }

    static func vmID(named name: String, _ c: PostgresConnection) async throws -> UInt64? {
        guard Validator.isName(name, allowDots: false) else { return nil }
        let rows = try await c.query("SELECT id FROM registry_vms WHERE name = \(name)", logger: logger)
        for try await id in rows.decode(Int64.self) { return UInt64(id) }
        return nil
    }

    /// The VM named by `ref`: an id in decimal ("12") or a name ("web").
    static func resolveVM(_ ref: String, lock: RowLock = .none, _ c: PostgresConnection) async throws -> VM {
        let id: UInt64?
        if let first = ref.utf8.first, first >= 0x30, first <= 0x39 {
            id = UInt64(ref)
        } else {
            id = try await vmID(named: ref, c)
        }
        guard let id, let vm = try await loadVM(id: id, lock: lock, c) else {
            throw SpinError(.notFound, "VM \(quoted(ref)) does not exist; list VMs with spin vm list")
        }
        return vm
    }

    /// `VM 3 ("web")`, or `VM 3` when the record cannot be read.
    static func describeVM(id: UInt64, _ c: PostgresConnection) async -> String {
        guard let vm = try? await loadVM(id: id, c) else { return "VM \(id)" }
        return "VM \(id) (\(quoted(vm.name)))"
    }

    static func loadVolume(_ name: String, lock: RowLock = .none, _ c: PostgresConnection) async throws -> Volume? {
        guard Validator.isName(name, allowDots: false) else { return nil }
        let rows = try await c.query(
            "SELECT body::text FROM registry_volumes WHERE name = \(name) \(unescaped: lock.rawValue)", logger: logger)
        for try await body in rows.decode(String.self) { return try decode(Volume.self, body) }
        return nil
    }

    /// The volume `name`, or `notFound` telling how to create it.
    static func requireVolume(_ name: String, lock: RowLock = .none, _ c: PostgresConnection) async throws -> Volume {
        guard let volume = try await loadVolume(name, lock: lock, c) else {
            let shown = Validator.isName(name, allowDots: false) ? name : "NAME"
            throw SpinError(.notFound, "volume \(quoted(name)) does not exist; create it with spin volume create \(shown) PATH")
        }
        return volume
    }

    /// The columns ``images(_:)`` reads.
    static let imageColumns = "volume, name, attached_to, base, backing_image, body::text"

    /// Images from rows of ``imageColumns``; the columns, not the body, say where an image is,
    /// what it is attached to and what it is made on.
    static func images(_ rows: PostgresRowSequence) async throws -> [Image] {
        var images: [Image] = []
        for try await (volume, name, attachedTo, base, backing, body) in rows.decode((String, String, Int64?, Bool, String?, String).self) {
            var image = try decode(Image.self, body)
            image.volume = volume
            image.name = name
            image.attachedTo = attachedTo.map { UInt64($0) }
            image.base = base
            image.backingImage = backing
            images.append(image)
        }
        return images
    }

    static func loadImage(volume: String, name: String, lock: RowLock = .none, _ c: PostgresConnection) async throws -> Image? {
        guard Validator.isName(volume, allowDots: false), Validator.isName(name, allowDots: true) else { return nil }
        let rows = try await c.query(
            "SELECT \(unescaped: imageColumns) FROM registry_images WHERE volume = \(volume) AND name = \(name) \(unescaped: lock.rawValue)",
            logger: logger)
        return try await images(rows).first
    }

    /// The image `name` of `volume`, or `notFound` (naming a missing volume first).
    static func requireImage(volume: String, name: String, lock: RowLock = .none, _ c: PostgresConnection) async throws -> Image {
        _ = try await requireVolume(volume, c)
        guard let image = try await loadImage(volume: volume, name: name, lock: lock, c) else {
            throw SpinError(.notFound, "image \(quoted(name)) does not exist in volume \(quoted(volume)); create it with spin image create \(volume) \(name) SIZE")
        }
        return image
    }

    /// Records a new image.
    static func insertImage(_ image: Image, _ c: PostgresConnection) async throws {
        try await c.query(
            """
            INSERT INTO registry_images (volume, name, attached_to, base, backing_image, body)
            VALUES (\(image.volume), \(image.name), \(image.attachedTo.map { Int64(clamping: $0) }), \(image.base), \(image.backingImage), \(try imageBody(image))::jsonb)
            """, logger: logger)
    }

    /// An image's `body`: its JSON without the attachment, which only the `attached_to` column
    /// holds (a VM's deletion clears it there).
    static func imageBody(_ image: Image) throws -> String {
        var body = image
        body.attachedTo = nil
        return try json(body)
    }

    /// Sets the VM an image is attached to (nil: free).
    static func setAttachment(volume: String, name: String, to vmID: UInt64?, _ c: PostgresConnection) async throws {
        try await c.query(
            "UPDATE registry_images SET attached_to = \(vmID.map { Int64(clamping: $0) }) WHERE volume = \(volume) AND name = \(name)",
            logger: logger)
    }
}
