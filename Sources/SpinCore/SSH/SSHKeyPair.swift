import Foundation
import SpinQemu
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The data root's own SSH key pair, `ROOT/ssh/id_ed25519` (0600) and `id_ed25519.pub`: its
/// public key goes into every cloud-init VM's authorized keys, and `spin ssh` logs in with it.
///
/// Made at first use with `ssh-keygen -t ed25519 -N ""` (argv, no shell), under a lock
/// (`ROOT/ssh/lock`) so racing processes make one pair. ssh-keygen writes into a fresh
/// directory beside the pair; the public key is renamed into place first and the private key
/// last, so a pair whose private key exists is whole, whoever was killed when.
public struct SSHKeyPair: Sendable {
    /// `ROOT/ssh`.
    public let directory: String

    /// The pair of `root`.
    public init(root: SpinRoot) { directory = root.path + "/ssh" }

    /// The private key.
    public var privateKey: String { directory + "/id_ed25519" }
    /// The public key.
    public var publicKey: String { privateKey + ".pub" }

    /// The public key line, making the pair first when there is none.
    /// - Parameter keygen: the ssh-keygen executable (a path, or a name on `PATH`).
    /// - Throws: ``SpinError`` `.unavailable` when ssh-keygen is missing, `.actionFailed` when
    ///   it fails or a file cannot be written.
    public func ensure(keygen: String = "ssh-keygen") async throws -> String {
        if let line = try existingPublicKey() { return line }
        try makeDirectory()
        let lock = try Lock(path: directory + "/lock")
        defer { lock.release() }
        try await lock.acquire()
        if let line = try existingPublicKey() { return line }
        if FileManager.default.fileExists(atPath: privateKey) {
            // A private key without its public half (written by hand, or a copy): derive it.
            let derived = try await run(keygen, ["-y", "-f", privateKey]).trimmingCharacters(in: .whitespacesAndNewlines)
            try write(derived + "\n", to: publicKey)
            return derived
        }
        var template = Array("\(directory)/.new.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw failure("cannot create a directory in \(directory)") }
        let staging = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let comment = "spin@\(Self.hostName) \(directory)"
        _ = try await run(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", staging + "/id_ed25519"])
        guard chmod(staging + "/id_ed25519", 0o600) == 0,
            rename(staging + "/id_ed25519.pub", publicKey) == 0,
            rename(staging + "/id_ed25519", privateKey) == 0
        else { throw failure("cannot put the new SSH key pair at \(privateKey)") }
        guard let line = try existingPublicKey() else { throw failure("ssh-keygen wrote no public key") }
        return line
    }

    /// The public key line when the pair exists (its private key is there); nil otherwise.
    public func existingPublicKey() throws -> String? {
        guard FileManager.default.fileExists(atPath: privateKey), let data = FileManager.default.contents(atPath: publicKey) else { return nil }
        let line = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return line.isEmpty ? nil : line
    }

    private func makeDirectory() throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw failure("cannot create \(directory): \(error.localizedDescription)")
        }
    }

    private func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644]) else {
            throw failure("cannot write \(path)")
        }
    }

    private func run(_ executable: String, _ arguments: [String]) async throws -> String {
        do {
            return try await ProcessRunner.run(executable, arguments).standardOutputText
        } catch ProcessRunner.Error.spawnFailed(let name, _) {
            throw SpinError(.unavailable, "\(name) cannot be run, so spin cannot make its SSH key pair; install it with apt-get install openssh-client")
        } catch ProcessRunner.Error.failed(_, _, let termination, let standardError) {
            throw failure("ssh-keygen failed (\(termination)): \(standardError.trimmingCharacters(in: .whitespacesAndNewlines)); remove \(privateKey) if it is damaged")
        }
    }

    private func failure(_ message: String) -> SpinError { SpinError(.actionFailed, message) }

    /// This host's name (`gethostname`, no resolver).
    private static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// An exclusive `flock` on a file, polled so a waiting task can be cancelled.
    private final class Lock: Sendable {
        private let fd: Mutex<Int32>
        init(path: String) throws {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { throw SpinError(.actionFailed, "cannot open \(path): \(String(cString: strerror(errno)))") }
            self.fd = Mutex(fd)
        }
        func acquire() async throws {
            while fd.withLock({ flock($0, LOCK_EX | LOCK_NB) }) != 0 {
                guard errno == EWOULDBLOCK || errno == EINTR else { throw SpinError(.actionFailed, "cannot lock the SSH key directory: \(String(cString: strerror(errno)))") }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        func release() {
            fd.withLock { fd in
                if fd >= 0 { close(fd) }
                fd = -1
            }
        }
    }
}
