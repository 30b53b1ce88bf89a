#if canImport(Glibc)
import Glibc
#endif

extension QemuConfiguration {
    /// Checks what QEMU would reject (or misread) before it is started.
    public func validate() throws(QemuConfigurationError) {
        func fail(_ field: String, _ reason: String) -> QemuConfigurationError {
            QemuConfigurationError(field: field, reason: reason)
        }
        if name.isEmpty { throw fail("name", "must not be empty") }
        if machine.isEmpty { throw fail("machine", "must not be empty (q35 is the usual choice)") }
        if accelerator == .auto {
            throw fail("accelerator", "resolve .auto with AcceleratorProbe before building arguments")
        }
        if cpuModel?.isEmpty == true { throw fail("cpuModel", "must not be empty; use nil for the default") }
        if !(1...255).contains(cpuCount) { throw fail("cpuCount", "must be 1…255, got \(cpuCount)") }
        if memoryMiB < 16 { throw fail("memoryMiB", "must be at least 16, got \(memoryMiB)") }
        for (index, disk) in disks.enumerated() {
            if disk.path.isEmpty { throw fail("disks[\(index)].path", "must not be empty") }
            if disk.readOnly, disk.interface == .ide {
                throw fail("disks[\(index)].readOnly", "IDE disks cannot be read-only in QEMU; use the virtio-blk interface")
            }
        }
        for (index, cdrom) in cdroms.enumerated() where cdrom.path.isEmpty {
            throw fail("cdroms[\(index)].path", "must not be empty")
        }
        let ideDevices = disks.filter { $0.interface == .ide }.count + cdroms.count
        if ideDevices > 6 {
            throw fail("cdroms", "q35 has 6 AHCI ports for IDE disks and CD-ROMs together, got \(ideDevices); use virtio-blk disks")
        }
        if let seed, seed.path.isEmpty { throw fail("seed.path", "must not be empty") }
        for (index, share) in fileShares.enumerated() {
            if !(1...36).contains(share.tag.utf8.count) { throw fail("fileShares[\(index)].tag", "must be 1…36 bytes, got \(share.tag.utf8.count)") }
            if fileShares[..<index].contains(where: { $0.tag == share.tag }) { throw fail("fileShares[\(index)].tag", "\(share.tag) is used twice; give each share its own tag") }
        }
        if let firmware, firmware.codePath.isEmpty || firmware.variablesPath.isEmpty {
            throw fail("firmware", "the code and variables paths must not be empty")
        }
        if let directBoot, directBoot.kernel.isEmpty { throw fail("directBoot.kernel", "must not be empty") }
        if let network { try network.validate() }
        let sockets = [("serial.socketPath", serial?.socketPath), ("qmpSocketPath", qmpSocketPath), ("vncSocketPath", vncSocketPath),
                       ("guestAgent.socketPath", guestAgent?.socketPath)] + fileShares.enumerated().map { ("fileShares[\($0.offset)].socketPath", $0.element.socketPath) }
        for case (let field, let path?) in sockets {
            if path.isEmpty || path.utf8.count > 107 {
                throw fail(field, "a unix socket path must be 1…107 bytes, got \(path.utf8.count); use a shorter runtime directory")
            }
        }
        if let pidFilePath, pidFilePath.isEmpty { throw fail("pidFilePath", "must not be empty") }
    }
}

extension QemuNetwork {
    /// Checks ports, addresses, duplicate forwards and the MAC address.
    func validate() throws(QemuConfigurationError) {
        var seen = Set<String>()
        for (index, forward) in forwards.enumerated() {
            let field = "network.forwards[\(index)]"
            if !(1...65535).contains(forward.hostPort) {
                throw QemuConfigurationError(field: field + ".hostPort", reason: "must be 1…65535, got \(forward.hostPort)")
            }
            if !(1...65535).contains(forward.guestPort) {
                throw QemuConfigurationError(field: field + ".guestPort", reason: "must be 1…65535, got \(forward.guestPort)")
            }
            if !forward.hostAddress.isEmpty, !Self.isIPv4(forward.hostAddress) {
                throw QemuConfigurationError(field: field + ".hostAddress", reason: "\"\(forward.hostAddress)\" is not an IPv4 address (user networking forwards IPv4 only)")
            }
            let key = "\(forward.transport.rawValue):\(forward.hostAddress):\(forward.hostPort)"
            if !seen.insert(key).inserted {
                throw QemuConfigurationError(field: field, reason: "host port \(forward.hostPort)/\(forward.transport.rawValue) is forwarded twice")
            }
        }
        if let macAddress, !Self.isUnicastMAC(macAddress) {
            throw QemuConfigurationError(field: "network.macAddress", reason: "\"\(macAddress)\" is not a unicast MAC address like 52:54:00:12:34:56")
        }
    }

    static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    static func isUnicastMAC(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6 else { return false }
        let bytes = parts.compactMap { $0.count == 2 ? UInt8($0, radix: 16) : nil }
        guard bytes.count == 6, let first = bytes.first else { return false }
        return first & 1 == 0 && bytes.contains { $0 != 0 }
    }
}
