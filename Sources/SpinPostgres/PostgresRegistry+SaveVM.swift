import Foundation
import PostgresNIO
import SpinCore
import SpinModel

/// Writing a VM: every check first (the LMDB registry's, with its messages), then the rows.
extension PostgresRegistry {
    /// An image row a VM's save writes: a new image, or an existing one becoming attached.
    enum ImageChange {
        case create(Image)
        case attach(volume: String, name: String)
    }

    /// Checks `vm` against the database and writes it with its ports, images and addresses,
    /// replacing `previous` (the stored, locked version of the same VM) when given. A new VM
    /// (`previous` nil) gets its id, MAC address and NIC MACs once every check has passed.
    static func save(_ given: VM, previous: VM?, newImages: [ImageSpec], _ c: PostgresConnection) async throws -> VM {
        var vm = given
        let salt = try await macSalt(c)
        try await assignNetworks(&vm, previous: previous, salt: salt, c)
        try ValidationProblem.check(vm.validate())
        try await checkName(vm, c)
        try await checkPorts(vm, c)
        let imageChanges = try await checkDisks(vm, newImages: newImages, c)

        if previous == nil {
            vm.id = try await nextVMID(c)
            vm.macAddress = VM.derivedMACAddress(id: vm.id, salt: salt)
            fillNICMACs(&vm, salt: salt)
        }
        let id = Int64(clamping: vm.id)
        let body = try json(vm)
        if previous == nil {
            try await c.query("INSERT INTO registry_vms (id, name, body) VALUES (\(id), \(vm.name), \(body)::jsonb)", logger: logger)
        } else {
            try await c.query("UPDATE registry_vms SET name = \(vm.name), body = \(body)::jsonb WHERE id = \(id)", logger: logger)
            try await c.query("DELETE FROM registry_vm_ports WHERE vm_id = \(id)", logger: logger)
        }
        for port in vm.ports {
            try await c.query(
                "INSERT INTO registry_vm_ports (vm_id, protocol, host_address, host_port) VALUES (\(id), \(port.protocol.rawValue), \(port.canonicalHostAddress), \(port.hostPort))",
                logger: logger)
        }
        for change in imageChanges {
            switch change {
            case .create(var image):
                image.attachedTo = vm.id
                try await insertImage(image, c)
            case .attach(let volume, let name):
                try await setAttachment(volume: volume, name: name, to: vm.id, c)
            }
        }
        if let previous { try await detachDropped(from: previous, keeping: vm, c) }
        try await indexNetworks(vm, replacing: previous, c)
        return vm
    }

    /// The next VM id (the sequence is never rewound, so ids are never reused).
    static func nextVMID(_ c: PostgresConnection) async throws -> UInt64 {
        let rows = try await c.query("SELECT nextval(pg_get_serial_sequence('registry_vms', 'id'))", logger: logger)
        for try await id in rows.decode(Int64.self) { return UInt64(id) }
        throw SpinError(.internal, "the PostgreSQL registry returned no id for a new VM")
    }

    /// This database's MAC salt (the LMDB registry salts with its store's path).
    static func macSalt(_ c: PostgresConnection) async throws -> UInt64 {
        let rows = try await c.query("SELECT mac_salt FROM registry_settings", logger: logger)
        for try await salt in rows.decode(Int64.self) { return UInt64(bitPattern: salt) }
        throw SpinError(.internal, "the PostgreSQL registry has no settings row; run spin-server migrate")
    }

    private static func checkName(_ vm: VM, _ c: PostgresConnection) async throws {
        let rows = try await c.query(
            "SELECT id FROM registry_vms WHERE name = \(vm.name) AND id <> \(Int64(clamping: vm.id))", logger: logger)
        for try await owner in rows.decode(Int64.self) {
            throw SpinError(.conflict, "name \(quoted(vm.name)) is taken by VM \(owner); choose another name")
        }
    }

    /// The key space of the per-port advisory locks ("sprt").
    static let portLockSpace: Int32 = 0x7370_7274

    /// Checks `vm`'s host ports against every other VM's, holding the advisory lock of each
    /// (protocol, port) until the transaction ends: a wildcard address against a specific one
    /// is no unique-key clash, so the lock is what keeps two servers from both taking them.
    private static func checkPorts(_ vm: VM, _ c: PostgresConnection) async throws {
        let keys = Set(vm.ports.map { Int32($0.hostPort) + ($0.protocol == .udp ? 65536 : 0) })
        for key in keys.sorted() {
            try await c.query("SELECT pg_advisory_xact_lock(\(portLockSpace), \(key))", logger: logger)
        }
        for (index, port) in vm.ports.enumerated() {
            let rows = try await c.query(
                """
                SELECT vm_id, host_address FROM registry_vm_ports
                WHERE protocol = \(port.protocol.rawValue) AND host_port = \(port.hostPort) AND vm_id <> \(Int64(clamping: vm.id))
                ORDER BY host_address COLLATE "C"
                """, logger: logger)
            var clash: (address: String, owner: UInt64)?
            for try await (owner, address) in rows.decode((Int64, String).self) where clash == nil {
                let other = PortForward(protocol: port.protocol, guestPort: 1, hostAddress: address, hostPort: port.hostPort)
                if port.overlaps(other) { clash = (address, UInt64(owner)) }
            }
            if let clash {
                let shown = clash.address.contains(":") ? "[\(clash.address)]" : clash.address
                throw SpinError(
                    .conflict,
                    "ports[\(index)] \(port) clashes with \(await describeVM(id: clash.owner, c)), which forwards \(port.protocol.rawValue) \(shown):\(port.hostPort); pick another host port or address")
            }
        }
    }

    /// Checks every disk of `vm` (locking the existing images it names) and returns the image
    /// rows to write.
    private static func checkDisks(_ vm: VM, newImages: [ImageSpec], _ c: PostgresConnection) async throws -> [ImageChange] {
        var changes: [ImageChange] = []
        try RegistryRules.checkNewImages(newImages, of: vm)
        for disk in vm.disks {
            _ = try await requireVolume(disk.volume, c)
            let existing = try await loadImage(volume: disk.volume, name: disk.image, lock: .update, c)
            if let spec = newImages.first(where: { $0.volume == disk.volume && $0.name == disk.image }) {
                if existing != nil { throw RegistryRules.newImageExists(volume: disk.volume, image: disk.image) }
                try await checkBacking(of: spec, c)
                changes.append(.create(Image(spec, attachedTo: nil, createdAt: vm.updatedAt)))
                continue
            }
            guard let image = existing else { throw RegistryRules.missingDiskImage(volume: disk.volume, image: disk.image) }
            if image.base { throw RegistryRules.baseAsDisk(volume: disk.volume, image: disk.image) }
            if let owner = image.attachedTo, owner != vm.id {
                throw RegistryRules.attachedElsewhere(volume: disk.volume, image: disk.image, owner: await describeVM(id: owner, c))
            }
            if image.attachedTo == nil { changes.append(.attach(volume: disk.volume, name: disk.image)) }
        }
        return changes
    }

    /// Frees the images `previous` used that `vm` no longer does.
    private static func detachDropped(from previous: VM, keeping vm: VM, _ c: PostgresConnection) async throws {
        let kept = Set(vm.storage)
        for disk in previous.disks where !kept.contains(.disk(volume: disk.volume, image: disk.image)) {
            try await c.query(
                "UPDATE registry_images SET attached_to = NULL WHERE volume = \(disk.volume) AND name = \(disk.image) AND attached_to = \(Int64(clamping: previous.id))",
                logger: logger)
        }
    }
}
