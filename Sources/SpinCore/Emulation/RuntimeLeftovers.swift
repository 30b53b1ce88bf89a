import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a previous qemu run may have left in a VM's runtime directory (its pidfile and unix
/// sockets, when it was killed), removed before the next start — each only once it is proven
/// dead: a socket only when connecting to it is refused, a pidfile only when the caller has
/// found no live qemu of the VM.
struct RuntimeLeftovers {
    /// Files to remove (the caller proved their process gone).
    var files: [String]
    /// Unix sockets to remove once nothing answers on them.
    var sockets: [String]

    /// Removes the leftovers. A socket that still answers is asked again for up to `settle`:
    /// a SIGKILLed qemu is reported gone once its main thread is a zombie, and its other
    /// threads may hold its files (the listening sockets) a moment longer.
    /// - Throws: ``SpinError`` `.conflict` when something still answers on a socket after that.
    func removeProvenStale(vm: String, settle: Duration = .seconds(3)) async throws {
        let deadline = ContinuousClock.now + settle
        for socket in sockets {
            var probe = Self.probe(socket)
            while probe == .answers, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
                probe = Self.probe(socket)
            }
            switch probe {
            case .absent: continue
            case .answers:
                throw SpinError(.conflict, "something still answers on \(socket) although no qemu of VM \(vm) runs from spin's pidfile; end that process (or remove the socket if it is not qemu) and start again")
            case .notSocket:
                throw SpinError(.conflict, "\(socket) is not a socket, and spin did not make it; remove it and start VM \(vm) again")
            case .dead:
                try? FileManager.default.removeItem(atPath: socket)
            }
        }
        for file in files { try? FileManager.default.removeItem(atPath: file) }
    }

    enum Probe { case absent, answers, dead, notSocket }

    /// Connects to `path` without following a link beyond the socket itself.
    static func probe(_ path: String) -> Probe {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .absent }
        guard info.st_mode & S_IFMT == S_IFSOCK else { return .notSocket }
        // Non-blocking: a unix listener's full backlog would block connect (repeated probes
        // of a socket nobody accepts on fill it); EAGAIN then means it answers.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return .dead }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return .dead }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return connected == 0 || errno == EAGAIN || errno == EINPROGRESS ? .answers : .dead
    }
}
