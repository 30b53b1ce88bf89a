import Foundation
import SpinTestSupport
import SpinQemu
import Testing
@testable import SpinCore

/// A fresh directory under /tmp holding test volumes, removed with everything in it.
final class StorageSandbox {
    let root: String
    let agent: StorageAgent

    init(agent: StorageAgent = StorageAgent(scope: TestStorageScope())) throws {
        var template = Array("/tmp/spin-storage-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        root = String(cString: made)
        self.agent = agent
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Keeps the sandbox (and so its directory) alive up to this point of a test that no
    /// longer uses it otherwise.
    func keepAlive() { withExtendedLifetime(self) {} }

    /// `root/name`, created as a directory when `create` is true.
    func volume(_ name: String = "vol", create: Bool = true) throws -> String {
        let path = root + "/" + name
        if create { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        return path
    }

    /// Every entry under the sandbox (recursive), for "nothing else was created" checks.
    func allEntries() -> [String] {
        (FileManager.default.subpaths(atPath: root) ?? []).sorted()
    }

    /// Creates an image with qemu-img directly; `marked` gives it spin's mark, as if spin had
    /// made it, else it is a foreign file.
    func makeImage(_ path: String, format: QemuDisk.Format = .raw, sizeBytes: UInt64 = 1 << 20, marked: Bool = true) async throws {
        try await QemuImg().create(path: path, format: format, sizeBytes: sizeBytes)
        if marked { try markAsSpins(path) }
    }

    /// What qemu-img detects in the file (tests only: spin never lets it guess).
    func info(_ path: String) async throws -> QemuImageInfo {
        guard let info = try await detectedInfo(path) else { throw SpinError(.notFound, "qemu-img cannot read \(path)") }
        return info
    }
}

/// What `lstat` says about a file: equal fingerprints mean it was not touched.
struct Fingerprint: Equatable {
    var inode: UInt64
    var mode: UInt32
    var size: Int64
    var modified: Int64
    var changed: Int64

    init(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        inode = UInt64(info.st_ino)
        mode = UInt32(info.st_mode)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
    }

    var permissions: UInt32 { mode & 0o7777 }
}

/// Writes `count` bytes of `byte` at `offset` in an existing file.
func writePattern(_ path: String, offset: UInt64, count: Int, byte: UInt8) throws {
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seek(toOffset: offset)
    try handle.write(contentsOf: Data(repeating: byte, count: count))
}

/// Whether `qemu-img compare` finds the images identical.
func imagesIdentical(_ first: String, _ second: String) async throws -> Bool {
    let result = try await ProcessRunner.run("qemu-img", ["compare", "-U", "-q", "--", first, second], check: false)
    return result.termination == .exited(0)
}


/// The `SpinError` a call threw, or nil.
func spinError(_ body: () async throws -> Void) async -> SpinError? {
    do {
        try await body()
        return nil
    } catch let error as SpinError {
        return error
    } catch {
        return SpinError(.internal, "unexpected error type: \(error)")
    }
}

/// Image formats as test arguments.
enum QemuFormatCase: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case raw, qcow2
    var value: QemuDisk.Format { self == .raw ? .raw : .qcow2 }
    var testDescription: String { rawValue }
}

enum QemuImgForTests {
    static func overlay(_ path: String, backing: String) async throws {
        try await QemuImg().create(path: path, format: .qcow2, sizeBytes: 1 << 20, backingFile: backing, backingFormat: .raw)
        try markAsSpins(path)
    }
}

/// Gives the file at `path` a fresh spin mark (`user.spin.image`), as spin does to its images.
func markAsSpins(_ path: String) throws {
    let volume = try VolumePath(String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]))
    try StorageFiles.withOpenFile(path) { fd throws(SpinError) in try ImageMark.fresh().write(to: fd, path: path, volume: volume) }
}

/// The spin mark of the file at `path`, or nil.
func spinMark(_ path: String) throws -> String? { try ImageMark.read(atPath: path)?.value }

/// Writes a foreign file (no spin mark) holding `bytes`, and returns its bytes to compare later.
@discardableResult
func writeForeignFile(_ path: String, _ bytes: String = "someone else's data\n") throws -> Data {
    let data = Data(bytes.utf8)
    guard FileManager.default.createFile(atPath: path, contents: data) else { throw POSIXError(.EIO) }
    return data
}

/// Sets an extended attribute by path (`setxattr`, looked up: `<sys/xattr.h>` is not in Glibc's module).
func setAttribute(_ path: String, _ name: String, _ value: String) throws {
    typealias SetAttribute = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32
    guard let symbol = dlsym(nil, "setxattr") else { throw POSIXError(.ENOSYS) }
    let set = unsafeBitCast(symbol, to: SetAttribute.self)
    guard value.withCString({ set(path, name, $0, strlen($0), 0) }) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
}
