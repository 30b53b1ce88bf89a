import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Picks the host port of a cloud-init VM's SSH forward: a random TCP port on 127.0.0.1 in
/// 10000…32767 (below Linux's default ephemeral range, so outgoing connections do not take it
/// later) that no VM of the registry forwards and that nothing on this host listens on now.
/// The registry's port index still decides: a race with another create is a conflict, and
/// ``Spin/createVM(_:)`` picks again.
struct SSHPortPicker: Sendable {
    /// Where the ports are picked from.
    static let range = 10000...32767
    /// The address the forward listens on.
    static let address = "127.0.0.1"

    /// A free port, not in `taken`.
    /// - Throws: ``SpinError`` `.unavailable` when 200 random tries found none.
    func pick(excluding taken: Set<Int>) throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: Self.range)
            if !taken.contains(port), Self.isFree(port) { return port }
        }
        throw SpinError(.unavailable, "no free TCP port on \(Self.address) in \(Self.range.lowerBound)-\(Self.range.upperBound) for the VM's SSH forward; give one with -p 22:127.0.0.1:PORT")
    }

    /// Whether a TCP socket can bind 127.0.0.1:`port` now (without `SO_REUSEADDR`).
    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(Self.address)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
