import Foundation
import SpinHarness
import SpinTestSupport

/// What a test of spin as an ordinary user on an external bridge needs, made by the test (as
/// root) and removed afterwards whatever happens:
/// - a network namespace holding bridges with private addresses (never the host's namespace);
/// - a setuid-root copy of qemu-bridge-helper in a temporary directory (`SPIN_BRIDGE_HELPER`);
/// - its allow-list at `/etc/qemu/bridge.conf` only inside a private mount namespace (a bind
///   mount of a temporary directory over `/etc/qemu`, held by a `sleep` the test starts) —
///   the host's `/etc` is never touched; in it too, a tun device node of mode 0666 (Debian's
///   default) bound over `/dev/net/tun`, which this host keeps 0660 with ACL entries;
/// - a `spin` CLI that enters both namespaces and drops to `nobody` (`setpriv`), with its own
///   HOME, XDG_RUNTIME_DIR and data root owned by `nobody`.
struct BridgeHelperSandbox {
    /// The unprivileged user spin runs as.
    static let uid: uid_t = 65534
    static let gid: gid_t = 65534
    /// Debian's helper, copied.
    static let systemHelper = "/usr/lib/qemu/qemu-bridge-helper"

    /// Whether this host can run the sandbox: root, the helper, setpriv, nsenter, the guests.
    static var isAvailable: Bool {
        getuid() == 0 && ["/usr/bin/setpriv", "/usr/bin/nsenter", "/usr/bin/unshare", systemHelper].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
            && (try? TestGuests.locate()) != nil
    }

    let namespace: NetworkNamespace
    /// The temporary directory: `helper` (setuid copy), `plain-helper` (no setuid bit),
    /// `etc-qemu/bridge.conf`, `home`, `run`.
    let directory: String
    /// The `sleep` holding the private mount namespace (killed by pid at the end).
    let holder: Process
    /// The CLI running as `nobody` inside both namespaces.
    let cli: CLI

    var helper: String { directory + "/helper" }
    var plainHelper: String { directory + "/plain-helper" }
    var acl: String { directory + "/etc-qemu/bridge.conf" }

    /// Makes everything, runs `body`, and removes everything again.
    static func with(acl: String, _ body: (BridgeHelperSandbox) async throws -> Void) async throws {
        try await NetworkNamespace.with { ns in
            try await CLI.with { base in
                var template = Array("/var/tmp/spin-brhelper.XXXXXX".utf8CString)
                guard let made = mkdtemp(&template) else { throw HarnessError("mkdtemp failed") }
                let directory = String(cString: made)
                defer { try? FileManager.default.removeItem(atPath: directory) }
                chmod(directory, 0o755)
                try setUp(directory: directory, acl: acl, root: base.root)
                let holder = Process()
                holder.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
                holder.arguments = ["netns", "exec", ns.name, "/usr/bin/unshare", "--mount", "--propagation", "private", "/usr/bin/sleep", "3600"]
                try holder.run()
                defer {
                    kill(holder.processIdentifier, SIGKILL)
                    holder.waitUntilExit()
                }
                let pid = String(holder.processIdentifier)
                try await waitForOwnMountNamespace(pid: holder.processIdentifier)
                for (source, target) in [(directory + "/etc-qemu", "/etc/qemu"), (directory + "/tun", "/dev/net/tun")] {
                    let (status, _) = try NetworkNamespace.launch("/usr/bin/nsenter", ["-t", pid, "--mount", "--", "/usr/bin/mount", "--bind", source, target])
                    guard status == 0 else { throw HarnessError("the bind mount over \(target) in the private mount namespace failed (status \(status))") }
                }
                var cli = base
                cli.wrapper = ["/usr/bin/nsenter", "-t", pid, "--mount", "--net", "--", "/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--"]
                cli.environment = ["HOME": directory + "/home", "XDG_RUNTIME_DIR": directory + "/run", "SPIN_BRIDGE_HELPER": directory + "/helper"]
                let sandbox = BridgeHelperSandbox(namespace: ns, directory: directory, holder: holder, cli: cli)
                defer { sandbox.cleanUp() }
                try await body(sandbox)
            }
        }
    }

    /// The helper copies, the ACL, and nobody's directories.
    private static func setUp(directory: String, acl: String, root: String) throws {
        let fm = FileManager.default
        try fm.copyItem(atPath: systemHelper, toPath: directory + "/helper")
        try fm.copyItem(atPath: systemHelper, toPath: directory + "/plain-helper")
        chown(directory + "/helper", 0, 0)
        chmod(directory + "/helper", 0o4755)
        chmod(directory + "/plain-helper", 0o755)
        guard mknod(directory + "/tun", S_IFCHR | 0o666, dev_t(10 << 8 | 200)) == 0 else { throw HarnessError("mknod of a tun device node failed: errno \(errno)") }
        chmod(directory + "/tun", 0o666)
        try fm.createDirectory(atPath: directory + "/etc-qemu", withIntermediateDirectories: false)
        chmod(directory + "/etc-qemu", 0o755)
        try acl.write(toFile: directory + "/etc-qemu/bridge.conf", atomically: false, encoding: .utf8)
        chmod(directory + "/etc-qemu/bridge.conf", 0o644)
        for (path, mode) in [(directory + "/home", 0o755), (directory + "/run", 0o700), (root, 0o755)] {
            try fm.createDirectory(atPath: path, withIntermediateDirectories: false)
            chown(path, uid, gid)
            chmod(path, mode_t(mode))
        }
    }

    /// Waits until `unshare` has made its mount namespace and exec'd `sleep`.
    private static func waitForOwnMountNamespace(pid: Int32) async throws {
        let mine = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/mnt")
        for _ in 0..<100 {
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
            if comm.hasPrefix("sleep"), let theirs = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/mnt"), theirs != mine { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("the mount namespace holder \(pid) did not start")
    }

    /// `ip -n NS ARGS`.
    @discardableResult
    func ip(_ arguments: [String]) throws -> String { try namespace.ip(arguments) }

    /// Makes bridge `name` with `address` (CIDR) in the namespace, up.
    func makeBridge(_ name: String, address: String) throws {
        try ip(["link", "add", name, "type", "bridge"])
        try ip(["addr", "add", address, "dev", name])
        try ip(["link", "set", name, "up"])
    }

    /// The names of the links enslaved to `bridge`.
    func ports(of bridge: String) throws -> [String] {
        let objects = try JSONSerialization.jsonObject(with: Data(try ip(["-j", "link", "show", "master", bridge]).utf8)) as? [[String: Any]] ?? []
        return objects.compactMap { $0["ifname"] as? String }
    }

    /// The pids of the qemu processes of this sandbox's root (by their command line).
    func qemus() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let args = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return args.first?.hasSuffix("qemu-system-x86_64") == true && args.contains { $0.contains(cli.root + "/") } ? pid : nil
        }
    }

    /// The serial console socket of the qemu `pid` (from its command line).
    static func serialSocket(qemu pid: Int32) -> String? {
        let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
        let chardev = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.first { $0.hasPrefix("socket,id=serial0,") }
        return chardev?.split(separator: ",").first { $0.hasPrefix("path=") }.map { String($0.dropFirst(5)) }
    }

    /// Types `command` into the serial console shell (the busybox guest's) at `path`, as root.
    func serial(_ path: String, _ command: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect to \(path): \(String(cString: strerror(errno)))") }
        let bytes = Array(("\n" + command + "\n").utf8)
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else { throw HarnessError("write to \(path) failed") }
        usleep(500_000)
    }

    /// Kills every qemu of the root (by pid) and lets spin forget them.
    func cleanUp() {
        LifecycleCLITests.cleanUp(cli)
        for pid in qemus() { kill(pid, SIGKILL) }
    }
}
