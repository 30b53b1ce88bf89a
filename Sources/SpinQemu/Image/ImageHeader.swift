#if canImport(Glibc)
import Glibc
#endif

/// What the first bytes of an image file say, read by this code and never by qemu-img: the
/// format of a file given to import (`qcow2` by its magic and version, else `raw`), a qcow2's
/// virtual size, backing file name and external data file flag, and the magic of the formats
/// spin does not take (VMDK, VDI, VHDX, QED, LUKS, qcow version 1).
///
/// qemu-img, asked to probe, would open what such a header names — a VMDK descriptor's
/// extents, a backing file anywhere on the host — before anyone could refuse it; reading the
/// header here decides the format once, and every later qemu-img call is given it with `-f`.
public struct ImageHeader: Sendable, Equatable {
    /// What the header says the file is.
    public enum Kind: Sendable, Equatable {
        /// No known magic: plain bytes.
        case raw
        /// A qcow2 image (version 2 or 3).
        case qcow2
        /// A format spin does not import, by name (`vmdk`, `vdi`, …).
        case unsupported(String)
    }

    /// What the file is.
    public var kind: Kind
    /// The size the guest sees: the header's for qcow2, the file's length rounded up to whole
    /// 512-byte sectors (as qemu reports it) for raw.
    public var virtualSize: UInt64
    /// A qcow2's backing file name, as written in its header.
    public var backingFile: String?
    /// Whether a qcow2 keeps its data in an external file (incompatible feature bit 2).
    public var externalDataFile: Bool

    /// A failure to read the file.
    public struct ReadError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The `errno` of the failed call.
        public var code: Int32
        /// What failed.
        public var description: String
    }

    /// Reads the header of the open file `fd`, whose length is `fileSize`.
    public static func read(fd: Int32, fileSize: UInt64) throws(ReadError) -> ImageHeader {
        var head = [UInt8](repeating: 0, count: 512)
        let count = try pread(fd, &head, offset: 0)
        head.removeSubrange(count...)
        var header = parse(head, fileSize: fileSize)
        if header.kind == .qcow2, let (offset, length) = backingField(head), length > 0 {
            guard length <= 1023, offset < fileSize else {
                header.backingFile = "(a name of \(length) bytes at offset \(offset))"
                return header
            }
            var name = [UInt8](repeating: 0, count: Int(length))
            let read = try pread(fd, &name, offset: offset)
            header.backingFile = String(decoding: name.prefix(read), as: UTF8.self)
        }
        return header
    }

    /// Parses the first bytes of a file (512 are enough) of length `fileSize`. A qcow2 whose
    /// header names a backing file gets a placeholder name; ``read(fd:fileSize:)`` reads it.
    public static func parse(_ bytes: [UInt8], fileSize: UInt64) -> ImageHeader {
        let raw = ImageHeader(kind: .raw, virtualSize: (fileSize + 511) / 512 * 512, backingFile: nil, externalDataFile: false)
        if bytes.starts(with: [0x51, 0x46, 0x49, 0xFB]) {  // "QFI\xfb"
            guard bytes.count >= 72 else { return ImageHeader(kind: .unsupported("a truncated qcow2"), virtualSize: 0, backingFile: nil, externalDataFile: false) }
            let version = bigEndian(bytes, 4, 4)
            guard version == 2 || version == 3 else {
                return ImageHeader(kind: .unsupported(version == 1 ? "qcow (version 1)" : "qcow2 version \(version)"), virtualSize: 0, backingFile: nil, externalDataFile: false)
            }
            let incompatible = version == 3 && bytes.count >= 80 ? bigEndian(bytes, 72, 8) : 0
            let backing = backingField(bytes).map { $0.length > 0 } ?? false
            return ImageHeader(
                kind: .qcow2, virtualSize: bigEndian(bytes, 24, 8), backingFile: backing ? "(unread)" : nil,
                externalDataFile: incompatible & 0b100 != 0)
        }
        for (magic, name) in unsupportedMagic where bytes.starts(with: Array(magic.utf8)) {
            return ImageHeader(kind: .unsupported(name), virtualSize: 0, backingFile: nil, externalDataFile: false)
        }
        if bytes.count >= 0x44, bigEndian(bytes, 0x40, 4) == 0x7F10_DABE {
            return ImageHeader(kind: .unsupported("vdi"), virtualSize: 0, backingFile: nil, externalDataFile: false)
        }
        return raw
    }

    /// Magic strings at offset 0 of formats spin does not import.
    static let unsupportedMagic: [(String, String)] = [
        ("KDMV", "vmdk"), ("# Disk DescriptorFile", "vmdk (descriptor)"), ("vhdxfile", "vhdx"), ("QED\u{0}", "qed"),
        ("LUKS\u{BA}\u{BE}", "luks"), ("conectix", "vpc"),
    ]

    /// A qcow2 header's backing file offset and length, when the header is long enough.
    static func backingField(_ bytes: [UInt8]) -> (offset: UInt64, length: UInt64)? {
        guard bytes.count >= 20 else { return nil }
        return (bigEndian(bytes, 8, 8), bigEndian(bytes, 16, 4))
    }

    static func bigEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> UInt64 {
        bytes[offset..<(offset + count)].reduce(0) { $0 << 8 | UInt64($1) }
    }

    private static func pread(_ fd: Int32, _ buffer: inout [UInt8], offset: UInt64) throws(ReadError) -> Int {
        var total = 0
        while total < buffer.count {
            let count = buffer.withUnsafeMutableBytes { raw in
                Glibc.pread(fd, raw.baseAddress! + total, raw.count - total, off_t(offset) + off_t(total))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(code: errno, description: "cannot read the image header: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            total += count
        }
        return total
    }
}
