import Foundation
import Testing
@testable import SpinQemu

@Suite("ImageHeader: the format of a file to import, read without qemu-img")
struct ImageHeaderTests {
    let img = QemuImg()

    /// The header of the file at `path`.
    func header(_ path: String) throws -> ImageHeader {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw POSIXError(.ENOENT) }
        defer { close(fd) }
        var info = stat()
        fstat(fd, &info)
        return try ImageHeader.read(fd: fd, fileSize: UInt64(info.st_size))
    }

    @Test("a qcow2 made by qemu-img is qcow2 with its virtual size, standalone")
    func qcow2() async throws {
        let directory = try TemporaryDirectory()
        try await img.create(path: directory.file("a.qcow2"), format: .qcow2, sizeBytes: 96 << 20)
        let header = try header(directory.file("a.qcow2"))
        #expect(header.kind == .qcow2)
        #expect(header.virtualSize == 96 << 20)
        #expect(header.backingFile == nil)
        #expect(!header.externalDataFile)
    }

    @Test("a qcow2 overlay names its backing file, read from the header")
    func overlay() async throws {
        let directory = try TemporaryDirectory()
        try await img.create(path: directory.file("base.raw"), format: .raw, sizeBytes: 1 << 20)
        try await img.create(path: directory.file("top.qcow2"), format: .qcow2, sizeBytes: 1 << 20,
                             backingFile: directory.file("base.raw"), backingFormat: .raw)
        #expect(try header(directory.file("top.qcow2")).backingFile == directory.file("base.raw"))
    }

    @Test("anything without a known magic is raw, its size rounded up to 512 bytes as qemu reports it")
    func raw() throws {
        let directory = try TemporaryDirectory()
        try Data(repeating: 7, count: 1000).write(to: URL(fileURLWithPath: directory.file("odd.img")))
        let header = try header(directory.file("odd.img"))
        #expect(header.kind == .raw)
        #expect(header.virtualSize == 1024)
        #expect(ImageHeader.parse([], fileSize: 0).kind == .raw)
    }

    @Test("other formats are named, never taken as raw", arguments: [
        ("KDMV", "vmdk"), ("# Disk DescriptorFile\n", "vmdk (descriptor)"), ("vhdxfile", "vhdx"), ("QED\u{0}", "qed"), ("conectix", "vpc"),
    ])
    func unsupported(_ magic: String, _ name: String) {
        var bytes = Array(magic.utf8)
        bytes += [UInt8](repeating: 0, count: 512 - bytes.count)
        #expect(ImageHeader.parse(bytes, fileSize: 1 << 20).kind == .unsupported(name))
    }

    @Test("qcow version 1 and a truncated qcow2 header are not qcow2")
    func oddQcow() {
        var v1: [UInt8] = [0x51, 0x46, 0x49, 0xFB, 0, 0, 0, 1]
        v1 += [UInt8](repeating: 0, count: 100)
        #expect(ImageHeader.parse(v1, fileSize: 4096).kind == .unsupported("qcow (version 1)"))
        #expect(ImageHeader.parse([0x51, 0x46, 0x49, 0xFB, 0, 0, 0, 3], fileSize: 8).kind == .unsupported("a truncated qcow2"))
    }
}
