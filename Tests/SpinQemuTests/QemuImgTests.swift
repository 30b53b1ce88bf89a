import Foundation
import Synchronization
import Testing
@testable import SpinQemu

@Suite("QemuImg on temporary files")
struct QemuImgTests {
    let img = QemuImg()

    @Test("create then info reports format and virtual size")
    func createInfo() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("a.qcow2")
        try await img.create(path: path, format: .qcow2, sizeBytes: 64 << 20)
        let info = try await img.info(path: path, format: .qcow2)
        #expect(info.format == "qcow2")
        #expect(info.virtualSize == 64 << 20)
        #expect(info.backingFilename == nil)
        #expect((info.actualSize ?? 0) > 0)
    }

    @Test("an overlay records its backing file")
    func overlay() async throws {
        let directory = try TemporaryDirectory()
        try await img.create(path: directory.file("base.raw"), format: .raw, sizeBytes: 1 << 20)
        try await img.create(path: directory.file("top.qcow2"), format: .qcow2, sizeBytes: 1 << 20,
                             backingFile: directory.file("base.raw"), backingFormat: .raw)
        let info = try await img.info(path: directory.file("top.qcow2"), format: .qcow2)
        #expect(info.backingFilename == directory.file("base.raw"))
        #expect(info.backingFilenameFormat == "raw")
        await #expect(throws: QemuImg.Error.invalidArgument("a backing file needs the qcow2 format")) {
            try await img.create(path: directory.file("x.raw"), format: .raw, sizeBytes: 1, backingFile: "b")
        }
        // The backing format is never left for qemu-img to guess.
        let error = await #expect(throws: QemuImg.Error.self) {
            try await img.create(path: directory.file("y.qcow2"), format: .qcow2, sizeBytes: 1 << 20, backingFile: directory.file("base.raw"))
        }
        #expect(error?.description.contains("backingFormat") == true)
        #expect(!FileManager.default.fileExists(atPath: directory.file("y.qcow2")))
    }

    @Test("resize grows freely and shrinks only when asked")
    func resize() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("r.qcow2")
        try await img.create(path: path, format: .qcow2, sizeBytes: 32 << 20)
        try await img.resize(path: path, format: .qcow2, sizeBytes: 64 << 20)
        #expect(try await img.info(path: path, format: .qcow2).virtualSize == 64 << 20)
        let error = await #expect(throws: QemuImg.Error.self) {
            try await img.resize(path: path, format: .qcow2, sizeBytes: 16 << 20)
        }
        #expect(error?.description.contains("--shrink") == true)
        try await img.resize(path: path, format: .qcow2, sizeBytes: 16 << 20, shrink: true)
        #expect(try await img.info(path: path, format: .qcow2).virtualSize == 16 << 20)
    }

    @Test("convert reports progress up to 100 percent")
    func convertProgress() async throws {
        let directory = try TemporaryDirectory()
        try await img.create(path: directory.file("src.raw"), format: .raw, sizeBytes: 8 << 20)
        let seen = Mutex<[Double]>([])
        try await img.convert(from: directory.file("src.raw"), to: directory.file("dst.qcow2"),
                              sourceFormat: .raw, targetFormat: .qcow2) { value in
            seen.withLock { $0.append(value) }
        }
        let values = seen.withLock { $0 }
        #expect(values.last == 100)
        #expect(values == values.sorted())
        #expect(try await img.info(path: directory.file("dst.qcow2"), format: .qcow2).format == "qcow2")
    }

    @Test("check reports a clean qcow2 and refuses raw with qemu-img's words")
    func check() async throws {
        let directory = try TemporaryDirectory()
        try await img.create(path: directory.file("c.qcow2"), format: .qcow2, sizeBytes: 1 << 20)
        #expect(try await img.check(path: directory.file("c.qcow2"), format: .qcow2).isClean)
        try await img.create(path: directory.file("c.raw"), format: .raw, sizeBytes: 1 << 20)
        let error = await #expect(throws: QemuImg.Error.self) {
            try await img.check(path: directory.file("c.raw"), format: .raw)
        }
        #expect(error?.description.contains("does not support checks") == true)
    }

    @Test("a raw image whose first bytes are a qcow2 header is read, compared and copied as raw, byte for byte")
    func rawWithQcow2Header() async throws {
        let directory = try TemporaryDirectory()
        // A guest wrote a real qcow2 image (naming a backing file on the host) into its raw disk.
        try await img.create(path: directory.file("secret"), format: .raw, sizeBytes: 1 << 20)
        try await img.create(path: directory.file("header.qcow2"), format: .qcow2, sizeBytes: 1 << 20,
                             backingFile: directory.file("secret"), backingFormat: .raw)
        let header = try Data(contentsOf: URL(fileURLWithPath: directory.file("header.qcow2")))
        var disk = header
        disk.append(Data(repeating: 0x5A, count: (4 << 20) - header.count))
        try disk.write(to: URL(fileURLWithPath: directory.file("disk.raw")))

        let info = try await img.info(path: directory.file("disk.raw"), format: .raw)
        #expect(info.format == "raw")
        #expect(info.virtualSize == 4 << 20)
        #expect(info.backingFilename == nil)
        try await img.convert(from: directory.file("disk.raw"), to: directory.file("copy.raw"), sourceFormat: .raw, targetFormat: .raw)
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.file("copy.raw"))) == disk)
        #expect(try await img.compare(directory.file("disk.raw"), format: .raw, directory.file("copy.raw"), format: .raw))
        // Read as qcow2 it is a different, 1 MiB image on top of the host file: what -f prevents.
        #expect(try await img.info(path: directory.file("disk.raw"), format: .qcow2).backingFilename == directory.file("secret"))
        #expect(try await !img.compare(directory.file("disk.raw"), format: .raw, directory.file("header.qcow2"), format: .qcow2))
    }

    @Test("errors carry qemu-img's stderr")
    func stderrInErrors() async throws {
        let error = await #expect(throws: QemuImg.Error.self) { try await img.info(path: "/nonexistent/x.qcow2", format: .qcow2) }
        guard case .failed(_, let termination, let standardError) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(termination == .exited(1))
        #expect(standardError.contains("No such file or directory"))
    }

    @Test("a missing qemu-img is not runnable")
    func missingBinary() async {
        await #expect(throws: QemuImg.Error.self) {
            try await QemuImg(executable: "/nonexistent/qemu-img").info(path: "x", format: .raw)
        }
    }

    @Test("progress lines are parsed", arguments: [
        ("    (12.50/100%)", 12.5), ("(100.00/100%)", 100.0), ("    (0.00/100%)", 0.0),
    ])
    func parseProgress(line: String, value: Double) {
        #expect(QemuImg.parseProgress(line) == value)
    }

    @Test("non-progress lines are ignored")
    func parseNoise() {
        #expect(QemuImg.parseProgress("qemu-img: warning") == nil)
        #expect(QemuImg.parseProgress("(abc/100%)") == nil)
    }
}
