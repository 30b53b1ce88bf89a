/// An ISO image in an IDE CD-ROM drive on the q35 AHCI controller (6 ports, shared with IDE disks).
public struct QemuCDROM: Sendable, Equatable, Codable {
    /// Path of the ISO file.
    public var path: String

    /// Creates a CD-ROM.
    public init(path: String) { self.path = path }

    /// `-drive … media=cdrom,readonly=on` plus an `ide-cd` device on AHCI port `ideBus`
    /// (`ide.N`), `index` by default.
    public func qemuArguments(index: Int, ideBus: Int? = nil) -> [String] {
        let drive = QemuOption.list([
            ("file", path), ("format", "raw"), ("if", "none"), ("id", "cd\(index)"),
            ("media", "cdrom"), ("readonly", "on"),
        ])
        return ["-drive", drive, "-device", QemuOption.list("ide-cd", [("drive", "cd\(index)"), ("id", "ide-cd\(index)"), ("bus", "ide.\(ideBus ?? index)")])]
    }
}

/// A device class in the firmware's boot order.
public enum QemuBootDevice: String, Sendable, Equatable, CaseIterable, Codable {
    /// The first hard disk (`c`).
    case disk
    /// The first CD-ROM (`d`).
    case cdrom
    /// Network boot (`n`).
    case network

    /// QEMU's letter for `-boot order=`.
    var letter: String {
        switch self {
        case .disk: "c"
        case .cdrom: "d"
        case .network: "n"
        }
    }
}

extension Array where Element == QemuBootDevice {
    /// `-boot order=dc` for `[.cdrom, .disk]`; nothing for an empty order.
    public func qemuArguments() -> [String] {
        isEmpty ? [] : ["-boot", "order=" + map(\.letter).joined()]
    }
}
