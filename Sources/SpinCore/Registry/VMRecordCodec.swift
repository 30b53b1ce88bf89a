import Foundation

/// The stored form of a ``VM`` in the registry's `vms` database: a compact binary record,
/// because decoding 10,000 VMs with `JSONDecoder` is far too slow for `spin vm list`.
///
/// The first byte names the format. Format 1: id, name, cpus, memoryMiB, ports, storage,
/// kernel, labels (sorted by key, so equal VMs give equal bytes), stopTimeoutSeconds,
/// accelerator, createdAt, updatedAt — numbers little-endian, strings as a 32-bit length and
/// UTF-8. Format 2 appends autostart (one byte); format 1 records, written before it existed,
/// still load with autostart off. Format 3 (written today) follows autostart with optional
/// sections, each a tag byte then its fields, in tag order, until the end: tag 1 is the
/// cloud-init settings (user name, keys, optional user-data, optional instance id), tag 2 the
/// NIC's MAC address (a string), tag 3 the shared folders (a count, then host path, guest path
/// and read-only flag each), tag 4 the firmware (a string; absent = bios), tag 5 the NICs on managed networks (a count,
/// then network name, MAC address and reserved IPv4 address — empty on an external network — each; tag 6 is reserved). A new optional field is a new tag, so older records keep
/// loading. A record starting with `{` is read as JSON, so hand-written records still load.
enum VMRecordCodec {
    /// The format byte written today.
    static let currentFormat: UInt8 = 3

    /// The tag of the cloud-init section (format 3).
    static let cloudInitTag: UInt8 = 1

    /// The tag of the MAC address section (format 3).
    static let macAddressTag: UInt8 = 2

    /// The tag of the shared folders section (format 3).
    static let mountsTag: UInt8 = 3

    /// The tag of the firmware section (format 3).
    static let firmwareTag: UInt8 = 4

    /// The tag of the managed networks section (format 3).
    static let networksTag: UInt8 = 5

    static func encode(_ vm: VM) -> [UInt8] {
        var w = BinaryWriter()
        w.u8(currentFormat)
        w.u64(vm.id)
        w.string(vm.name)
        w.int(vm.cpus)
        w.int(vm.memoryMiB)
        w.count(vm.ports.count)
        for port in vm.ports {
            w.u8(port.protocol == .tcp ? 0 : 1)
            w.int(port.guestPort)
            w.string(port.hostAddress)
            w.int(port.hostPort)
        }
        w.count(vm.storage.count)
        for attachment in vm.storage {
            switch attachment {
            case .disk(let volume, let image):
                w.u8(0)
                w.string(volume)
                w.string(image)
            case .cdrom(let path):
                w.u8(1)
                w.string(path)
            }
        }
        w.bool(vm.kernel != nil)
        if let kernel = vm.kernel {
            w.string(kernel.kernel)
            w.optionalString(kernel.initrd)
            w.optionalString(kernel.append)
        }
        w.count(vm.labels.count)
        for key in vm.labels.keys.sorted() {
            w.string(key)
            w.string(vm.labels[key] ?? "")
        }
        w.int(vm.stopTimeoutSeconds)
        w.optionalString(vm.accelerator)
        w.double(vm.createdAt.timeIntervalSinceReferenceDate)
        w.double(vm.updatedAt.timeIntervalSinceReferenceDate)
        w.bool(vm.autostart)
        if let cloudInit = vm.cloudInit {
            w.u8(cloudInitTag)
            w.string(cloudInit.userName)
            w.count(cloudInit.authorizedKeys.count)
            for key in cloudInit.authorizedKeys { w.string(key) }
            w.optionalString(cloudInit.userData)
            w.optionalString(cloudInit.instanceID)
        }
        if let macAddress = vm.macAddress {
            w.u8(macAddressTag)
            w.string(macAddress)
        }
        if !vm.mounts.isEmpty {
            w.u8(mountsTag)
            w.count(vm.mounts.count)
            for mount in vm.mounts {
                w.string(mount.hostPath)
                w.string(mount.guestPath)
                w.bool(mount.readOnly)
            }
        }
        if vm.firmware != .bios {
            w.u8(firmwareTag)
            w.string(vm.firmware.rawValue)
        }
        if !vm.networks.isEmpty {
            w.u8(networksTag)
            w.count(vm.networks.count)
            for nic in vm.networks {
                w.string(nic.network)
                w.string(nic.macAddress ?? "")
                w.string(nic.address ?? "")
            }
        }
        return w.bytes
    }

    /// Decodes a stored record.
    /// - Throws: ``SpinError`` `internal` naming the key when the record is damaged or of a
    ///   format this version does not know.
    static func decode(_ bytes: UnsafeRawBufferPointer, key: UInt64) throws -> VM {
        guard let format = bytes.first else {
            throw SpinError(.internal, "VM record \(key) in the store is empty")
        }
        if format == UInt8(ascii: "{") {
            do { return try JSONDecoder().decode(VM.self, from: Data(bytes)) } catch {
                throw SpinError(.internal, "VM record \(key) in the store is unreadable JSON: \(error)")
            }
        }
        guard (1...currentFormat).contains(format) else {
            throw SpinError(.internal, "VM record \(key) has format \(format), which this spin does not know; upgrade spin")
        }
        do {
            var r = BinaryReader(bytes, offset: 1)
            var vm = try decodeFormat1(&r)
            if format >= 2 { vm.autostart = try r.bool() }
            if format >= 3 { try decodeSections(&r, into: &vm) }
            guard r.isAtEnd else { throw BinaryReader.Malformed(description: "trailing bytes at offset \(r.offset)") }
            return vm
        } catch let error as BinaryReader.Malformed {
            throw SpinError(.internal, "VM record \(key) in the store is damaged: \(error)", cause: error)
        }
    }

    /// Format 3's optional sections, in tag order.
    private static func decodeSections(_ r: inout BinaryReader, into vm: inout VM) throws {
        var last: UInt8 = 0
        while !r.isAtEnd {
            let offset = r.offset
            let tag = try r.u8()
            guard tag > last else {
                throw BinaryReader.Malformed(description: "trailing bytes at offset \(offset) (section \(tag) after section \(last))")
            }
            last = tag
            switch tag {
            case cloudInitTag:
                let user = try r.string()
                let keyCount = try r.count()
                var keys: [String] = []
                keys.reserveCapacity(min(keyCount, 64))
                for _ in 0..<keyCount { keys.append(try r.string()) }
                vm.cloudInit = CloudInit(userName: user, authorizedKeys: keys, userData: try r.optionalString(), instanceID: try r.optionalString())
            case macAddressTag:
                vm.macAddress = try r.string()
            case mountsTag:
                let count = try r.count()
                var mounts: [SharedFolder] = []
                mounts.reserveCapacity(min(count, 64))
                for _ in 0..<count {
                    mounts.append(SharedFolder(hostPath: try r.string(), guestPath: try r.string(), readOnly: try r.bool()))
                }
                vm.mounts = mounts
            case firmwareTag:
                let name = try r.string()
                guard let firmware = Firmware(rawValue: name) else {
                    throw BinaryReader.Malformed(description: "unknown firmware \"\(name)\" at offset \(offset) (a newer spin's record: upgrade spin)")
                }
                vm.firmware = firmware
            case networksTag:
                let count = try r.count()
                var networks: [NetworkAttachment] = []
                networks.reserveCapacity(min(count, 16))
                for _ in 0..<count {
                    let network = try r.string(), mac = try r.string(), address = try r.string()
                    // No address (written empty): a NIC on an external network.
                    networks.append(NetworkAttachment(network: network, macAddress: mac, address: address.isEmpty ? nil : address))
                }
                vm.networks = networks
            default:
                throw BinaryReader.Malformed(description: "unknown section \(tag) at offset \(offset) (trailing bytes, or a newer spin's record: upgrade spin)")
            }
        }
    }

    private static func decodeFormat1(_ r: inout BinaryReader) throws -> VM {
        let id = try r.u64()
        let name = try r.string()
        let cpus = try r.int()
        let memory = try r.int()
        var ports: [PortForward] = []
        let portCount = try r.count()
        ports.reserveCapacity(min(portCount, 64))
        for _ in 0..<portCount {
            let proto: PortProtocol = try r.u8() == 0 ? .tcp : .udp
            ports.append(PortForward(protocol: proto, guestPort: try r.int(), hostAddress: try r.string(), hostPort: try r.int()))
        }
        var storage: [StorageAttachment] = []
        let storageCount = try r.count()
        storage.reserveCapacity(min(storageCount, 64))
        for _ in 0..<storageCount {
            switch try r.u8() {
            case 0: storage.append(.disk(volume: try r.string(), image: try r.string()))
            case 1: storage.append(.cdrom(path: try r.string()))
            case let other: throw BinaryReader.Malformed(description: "unknown storage kind \(other)")
            }
        }
        var kernel: DirectBoot?
        if try r.bool() {
            kernel = DirectBoot(kernel: try r.string(), initrd: try r.optionalString(), append: try r.optionalString())
        }
        let labelCount = try r.count()
        var labels = [String: String](minimumCapacity: min(labelCount, 64))
        for _ in 0..<labelCount {
            let key = try r.string()
            labels[key] = try r.string()
        }
        let stopTimeout = try r.int()
        let accelerator = try r.optionalString()
        let createdAt = Date(timeIntervalSinceReferenceDate: try r.double())
        let updatedAt = Date(timeIntervalSinceReferenceDate: try r.double())
        return VM(
            id: id, name: name, cpus: cpus, memoryMiB: memory, ports: ports, storage: storage, kernel: kernel,
            labels: labels, stopTimeoutSeconds: stopTimeout, accelerator: accelerator,
            createdAt: createdAt, updatedAt: updatedAt)
    }
}
