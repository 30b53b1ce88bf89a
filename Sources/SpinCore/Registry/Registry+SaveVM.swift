import SpinStore

/// Writing a VM: every check first, then the record, its indexes and its images.
extension Registry {
    /// Checks `vm` against the store and writes it with its indexes and images, replacing
    /// `previous` (the stored version of the same VM) when given. Nothing is written unless
    /// every check passes. NICs on managed networks get their MAC and reserved address here
    /// (`salt` makes the MACs of one root differ from another's).
    /// - Returns: the VM as written.
    @discardableResult
    static func save(_ given: VM, previous: VM?, newImages: [ImageSpec], salt: UInt64 = 0, _ txn: WriteTransaction, _ t: Tables) throws -> VM {
        var vm = given
        try assignNetworks(&vm, previous: previous, salt: salt, txn, t)
        try ValidationProblem.check(vm.validate())
        try checkName(vm, txn, t)
        try checkPorts(vm, txn, t)
        let imageChanges = try checkDisks(vm, newImages: newImages, txn, t)

        if let previous {
            if previous.name != vm.name { try txn.delete(previous.name, in: t.vmNames) }
            for port in previous.ports { try txn.delete(port.hostKey, in: t.vmPorts) }
        }
        try txn.put(vm.id.storeKeyBytes, forKey: vm.name, in: t.vmNames)
        for port in vm.ports { try txn.put(vm.id.storeKeyBytes, forKey: port.hostKey, in: t.vmPorts) }
        try txn.put(VMRecordCodec.encode(vm), forKey: vm.id, in: t.vms)
        for image in imageChanges { try putImage(image, txn, t) }
        try detachDropped(from: previous, keeping: vm, txn, t)
        try indexNetworks(vm, previous: previous, txn, t)
        return vm
    }

    /// Removes a VM's record and indexes and frees its images; the image records stay.
    static func remove(_ vm: VM, _ txn: WriteTransaction, _ t: Tables) throws {
        try txn.delete(vm.id, in: t.vms)
        try txn.delete(vm.name, in: t.vmNames)
        for port in vm.ports { try txn.delete(port.hostKey, in: t.vmPorts) }
        try removeSnapshots(of: vm.id, txn, t)
        if !vm.networks.isEmpty { try unindexNetworks(vm, txn, try networkTables(t)) }
        var kept = vm
        kept.storage = []
        try detachDropped(from: vm, keeping: kept, txn, t)
    }

    private static func checkName(_ vm: VM, _ txn: ReadTransaction, _ t: Tables) throws {
        if let owner = try vmID(named: vm.name, txn, t), owner != vm.id {
            throw SpinError(.conflict, "name \(quoted(vm.name)) is taken by VM \(owner); choose another name")
        }
    }

    private static func checkPorts(_ vm: VM, _ txn: ReadTransaction, _ t: Tables) throws {
        for (index, port) in vm.ports.enumerated() {
            var clash: (address: String, owner: UInt64)?
            let prefix = Tables.portPrefix(port.protocol, port.hostPort)
            try txn.forEach(in: t.vmPorts, range: .prefix(prefix)) { key, value in
                guard let owner = UInt64(storeKey: value), owner != vm.id else { return true }
                let address = String(decoding: key.dropFirst(prefix.utf8.count), as: UTF8.self)
                let other = PortForward(protocol: port.protocol, guestPort: 1, hostAddress: address, hostPort: port.hostPort)
                if port.overlaps(other) { clash = (address, owner) }
                return clash == nil
            }
            if let clash {
                let shown = clash.address.contains(":") ? "[\(clash.address)]" : clash.address
                throw SpinError(
                    .conflict,
                    "ports[\(index)] \(port) clashes with \(describeVM(id: clash.owner, txn, t)), which forwards \(port.protocol.rawValue) \(shown):\(port.hostPort); pick another host port or address")
            }
        }
    }

    /// Checks every disk of `vm` and returns the image records to write: new images and
    /// existing ones becoming attached to `vm`.
    private static func checkDisks(_ vm: VM, newImages: [ImageSpec], _ txn: ReadTransaction, _ t: Tables) throws -> [Image] {
        var changes: [Image] = []
        try RegistryRules.checkNewImages(newImages, of: vm)
        for disk in vm.disks {
            _ = try requireVolume(disk.volume, txn, t)
            let existing = try loadImage(volume: disk.volume, name: disk.image, txn, t)
            if let spec = newImages.first(where: { $0.volume == disk.volume && $0.name == disk.image }) {
                if existing != nil { throw RegistryRules.newImageExists(volume: disk.volume, image: disk.image) }
                try checkBacking(of: spec, txn, t)
                changes.append(Image(spec, attachedTo: vm.id, createdAt: vm.updatedAt))
                continue
            }
            guard var image = existing else { throw RegistryRules.missingDiskImage(volume: disk.volume, image: disk.image) }
            if image.base { throw RegistryRules.baseAsDisk(volume: disk.volume, image: disk.image) }
            if let owner = image.attachedTo, owner != vm.id {
                throw RegistryRules.attachedElsewhere(volume: disk.volume, image: disk.image, owner: describeVM(id: owner, txn, t))
            }
            if image.attachedTo == nil {
                image.attachedTo = vm.id
                changes.append(image)
            }
        }
        return changes
    }

    /// Frees the images `previous` used that `vm` no longer does.
    private static func detachDropped(from previous: VM?, keeping vm: VM, _ txn: WriteTransaction, _ t: Tables) throws {
        guard let previous else { return }
        let kept = Set(vm.storage)
        for disk in previous.disks where !kept.contains(.disk(volume: disk.volume, image: disk.image)) {
            guard var image = try loadImage(volume: disk.volume, name: disk.image, txn, t), image.attachedTo == previous.id else { continue }
            image.attachedTo = nil
            try putImage(image, txn, t)
        }
    }
}
