import Foundation
import SpinQemu
#if canImport(Glibc)
import Glibc
#endif

/// A host file opened for import: a regular file, opened once and read only through that
/// descriptor, so what is checked (its header, its real path) is what is copied.
///
/// The path must be the resolved one (absolute, no links: the facade resolves it before it
/// checks the allowed paths); after opening, the descriptor's real path (`/proc/self/fd/N`)
/// must still be that path, so a link swapped in between is refused rather than followed.
struct ImportSource: ~Copyable {
    /// The path given.
    let path: String
    /// The open descriptor.
    let fd: Int32
    /// The file's length in bytes.
    let size: UInt64

    /// Opens `path` for reading.
    /// - Throws: ``SpinError`` `.invalidArgument` for a relative path, `.notFound` when nothing
    ///   is there, `.failedPrecondition` for a directory, device or other non-regular file,
    ///   `.forbidden` when the path names a link or no longer names the opened file.
    init(opening path: String) throws(SpinError) {
        guard path.hasPrefix("/"), !path.utf8.contains(0) else {
            throw SpinError(.invalidArgument, "the file to import \(VolumePath.quoted(path)) must be an absolute path")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { throw SpinError(.notFound, "the file to import \(path) does not exist; check the path") }
            throw StorageFiles.failure(code, "open the file to import", path)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw StorageFiles.failure(code, "inspect", path)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw SpinError(.failedPrecondition, "\(path) is not a regular file; spin imports image files (raw or qcow2) only")
        }
        let real = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) ?? ""
        guard real == path else {
            close(fd)
            throw SpinError(.forbidden, "the file to import \(VolumePath.quoted(path)) is reached through a link (it is \(VolumePath.quoted(real))); give its real path")
        }
        self.path = path
        self.fd = fd
        self.size = UInt64(info.st_size)
    }

    deinit { close(fd) }

    /// What the file's header says.
    func header() throws(SpinError) -> ImageHeader {
        do {
            return try ImageHeader.read(fd: fd, fileSize: size)
        } catch {
            throw SpinError(.actionFailed, "cannot read \(path): \(error.description)")
        }
    }

    /// The format to import the file as, from its header: raw or qcow2; refused when it is
    /// another format or a qcow2 that names a backing file or keeps its data elsewhere.
    /// - Throws: ``SpinError`` `.failedPrecondition` naming the problem and the way out.
    static func format(of header: ImageHeader, path: String) throws(SpinError) -> QemuDisk.Format {
        switch header.kind {
        case .raw: return .raw
        case .unsupported(let name):
            throw SpinError(.failedPrecondition, "\(path) is a \(name) image; spin imports raw and qcow2 only, so convert it first: qemu-img convert -O qcow2 \(path) NEW.qcow2")
        case .qcow2:
            if let backing = header.backingFile {
                throw SpinError(.failedPrecondition, "\(path) is a qcow2 overlay whose backing file is \(VolumePath.quoted(backing)); spin imports only standalone images and never lets qemu-img open a backing file it was handed, so flatten it first: qemu-img convert -O qcow2 \(path) NEW.qcow2")
            }
            if header.externalDataFile {
                throw SpinError(.failedPrecondition, "\(path) is a qcow2 image that keeps its data in an external file; spin imports only self-contained images, so flatten it first: qemu-img convert -O qcow2 \(path) NEW.qcow2")
            }
            return .qcow2
        }
    }
}
