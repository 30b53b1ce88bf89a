extension Validator {
    /// The accelerators a VM may ask for; nil means `auto`.
    package static let accelerators = ["auto", "kvm", "tcg"]

    /// Checks the fields a ``VM`` and a ``VMSpec`` share, across fields too (a port or disk
    /// given twice).
    package mutating func vmFields(
        name: String, cpus: Int, memoryMiB: Int, ports: [PortForward], storage: [StorageAttachment],
        kernel: DirectBoot?, labels: [String: String], stopTimeoutSeconds: Int, accelerator: String?, cloudInit: CloudInit? = nil,
        mounts: [SharedFolder] = [], networks: [NetworkAttachment] = []
    ) {
        self.name(name)
        count(ports.count, at: Self.maxPorts, field: "ports")
        count(storage.count, at: Self.maxDrives, field: "storage")
        count(labels.count, at: Self.maxLabels, field: "labels")
        range(cpus, 1...255, field: "cpus")
        range(memoryMiB, 16...(16 << 20), field: "memoryMiB")
        for (index, port) in ports.enumerated() {
            merge(port.validate(), prefix: "ports[\(index)].")
            if let earlier = ports[..<index].firstIndex(where: { $0.overlaps(port) }) {
                conflict("ports[\(index)]", "\(port) listens on the same host address and port as ports[\(earlier)] \(ports[earlier]); remove one")
            }
        }
        for (index, attachment) in storage.enumerated() {
            merge(attachment.validate(), prefix: "storage[\(index)].")
            if attachment.kind == .disk, let earlier = storage[..<index].firstIndex(of: attachment) {
                conflict("storage[\(index)]", "attaches image \(quoted(attachment.image ?? "")) of volume \(quoted(attachment.volume ?? "")) again (already storage[\(earlier)]); an image can be attached once")
            }
        }
        if let kernel { merge(kernel.validate(), prefix: "kernel.") }
        for key in labels.keys.sorted() {
            label(key: key, value: labels[key] ?? "")
        }
        range(stopTimeoutSeconds, 1...3600, field: "stopTimeoutSeconds")
        if let accelerator, !Self.accelerators.contains(accelerator) {
            add("accelerator", "\(quoted(accelerator)) is not known; use auto, kvm or tcg")
        }
        if let cloudInit { merge(cloudInit.validate(), prefix: "cloudInit.") }
        count(mounts.count, at: SharedFolder.maxPerVM, field: "mounts")
        for (index, mount) in mounts.enumerated() {
            merge(mount.validate(), prefix: "mounts[\(index)].")
            if let earlier = mounts[..<index].firstIndex(where: { $0.guestPath == mount.guestPath }) {
                conflict("mounts[\(index)]", "mounts at \(quoted(mount.guestPath)) in the guest, as mounts[\(earlier)] does; give each share its own guest path")
            }
        }
        networkAttachments(networks)
    }

    /// The most port forwards, drives and labels a VM may have.
    package static let maxPorts = 256
    package static let maxDrives = 64
    package static let maxLabels = 64

    /// Checks that a list holds at most `limit` entries.
    package mutating func count(_ count: Int, at limit: Int, field: String) {
        if count > limit { add(field, "has \(count) entries; give at most \(limit)") }
    }

    /// Checks one label: a key of 1 to 63 characters (letters, digits, `.`, `_`, `-`, `/`,
    /// starting with a letter or digit) and a value of at most 255 characters without control characters.
    private mutating func label(key: String, value: String) {
        let bytes = Array(key.utf8)
        let isAlphanumeric = { (b: UInt8) in (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        let keyOK = !bytes.isEmpty && bytes.count <= 63 && isAlphanumeric(bytes[0])
            && bytes.allSatisfy { isAlphanumeric($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D || $0 == 0x2F }
        if !keyOK {
            add("labels", "key \(quoted(key)) must start with a letter or digit and hold only letters, digits, \".\", \"_\", \"-\" and \"/\" (1 to 63 characters)")
        }
        if value.unicodeScalars.count > 255 {
            add("labels[\(quoted(key))]", "is \(value.unicodeScalars.count) characters long; keep label values to at most 255 characters")
        } else if value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            add("labels[\(quoted(key))]", "contains a control character (newline, NUL, …); use printable text")
        }
    }
}
