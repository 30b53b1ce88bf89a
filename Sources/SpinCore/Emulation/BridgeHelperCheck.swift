import Foundation
import SpinQemu
#if canImport(Glibc)
import Glibc
#endif

/// What would make qemu fail to put a NIC on an external bridge through its setuid helper,
/// checked before qemu starts so the error names the fix instead of qemu's "bridge helper
/// failed": the bridge missing (or not a bridge), the helper missing or not setuid root (when
/// spin is not root), `/dev/net/tun` not readable and writable by spin's user (the helper
/// drops to the caller's uid, keeping only CAP_NET_ADMIN, before it opens it), the bridge not
/// permitted by the helper's allow-list.
struct BridgeHelperCheck: Sendable {
    /// The helper's allow-list; the path is compiled into the helper (tests inject their own).
    var aclPath = QemuBridgeACL.defaultPath
    /// Reads a file's text; nil when it cannot be opened.
    var read: @Sendable (String) -> String? = { FileManager.default.contents(atPath: $0).map { String(decoding: $0, as: UTF8.self) } }
    /// The effective uid spin runs as.
    var euid: uid_t = geteuid()
    /// Whether spin's user may read and write the tun device.
    var tunUsable: @Sendable () -> Bool = { access(BridgeHelperCheck.tunDevice, R_OK | W_OK) == 0 }
    /// The device the helper opens to make the tap.
    static let tunDevice = "/dev/net/tun"
    /// The kind of link `name` in this network namespace (`bridge`, `veth`, "" for a plain
    /// device), nil when there is none.
    var linkKind: @Sendable (String) async throws -> String?

    /// A check against this process's network namespace and files.
    init(host: HostNetworking = HostNetworking()) {
        linkKind = { name in try await host.link(name).map { $0.kind ?? "" } }
    }

    /// A check with injected facts (tests).
    init(aclPath: String, euid: uid_t, tunUsable: Bool = true, read: @escaping @Sendable (String) -> String?, linkKind: @escaping @Sendable (String) async throws -> String?) {
        self.aclPath = aclPath
        self.tunUsable = { tunUsable }
        self.euid = euid
        self.read = read
        self.linkKind = linkKind
    }

    /// Throws ``SpinError`` `.failedPrecondition` naming the fix of the first problem of VM
    /// `vm`'s bridge NICs; returns when qemu's helper will let each of them join its bridge.
    func check(_ nics: [QemuBridgeNIC], vm: String, helperStat: (String) -> stat? = BridgeHelperCheck.fileStatus) async throws {
        for nic in nics {
            switch try await linkKind(nic.bridge) {
            case nil:
                throw SpinError(.failedPrecondition, "VM \(vm) has a NIC on bridge \(quoted(nic.bridge)), which does not exist on this host; an administrator makes it (ip link add \(nic.bridge) type bridge; ip link set \(nic.bridge) up), or attach the VM to another network")
            case "bridge"?: break
            case let kind?:
                throw SpinError(.failedPrecondition, "VM \(vm) has a NIC on \(quoted(nic.bridge)), which is a\(kind.isEmpty ? " plain device" : " \(kind) link"), not a bridge; give spin network create --external the name of a Linux bridge")
            }
        }
        for helper in Set(nics.map(\.helper)) { try checkHelper(helper, vm: vm, stat: helperStat(helper)) }
        if euid != 0, !tunUsable() {
            let name = getpwuid(euid).map { String(cString: $0.pointee.pw_name) }
            throw SpinError(.failedPrecondition, "qemu's bridge helper opens \(Self.tunDevice) as \(name ?? "uid \(euid)") (it keeps only CAP_NET_ADMIN), which may not read and write it, so VM \(vm) would get no tap; an administrator runs chmod 0666 \(Self.tunDevice) (Debian's default) or setfacl -m u:\(name ?? String(euid)):rw \(Self.tunDevice)")
        }
        let acl: QemuBridgeACL
        do {
            acl = try QemuBridgeACL.parse(path: aclPath, read: read)
        } catch let error as QemuBridgeACL.ParseError {
            if error.source == aclPath, FileManager.default.fileExists(atPath: aclPath), !FileManager.default.isReadableFile(atPath: aclPath) {
                return  // Readable by the helper (root) only: it decides.
            }
            let bridges = nics.map(\.bridge).joined(separator: ", ")
            if error.source == aclPath {
                throw SpinError(.failedPrecondition, "qemu's bridge helper reads its allow-list from \(aclPath), which cannot be opened; an administrator creates it with a line allow \(nics[0].bridge) per bridge (\(bridges)) for VM \(vm)")
            }
            throw SpinError(.failedPrecondition, "qemu's bridge helper would refuse its allow-list: \(error); an administrator fixes that line (rules are allow NAME, deny NAME, allow all, deny all, include FILE)")
        }
        for nic in nics {
            switch acl.decision(for: nic.bridge) {
            case .permitted: continue
            case .notAllowed:
                throw SpinError(.failedPrecondition, "bridge \(quoted(nic.bridge)) is not allowed by \(aclPath), the allow-list of qemu's bridge helper, so VM \(vm) cannot join it; an administrator adds the line allow \(nic.bridge) to it")
            case .denied(let rule):
                throw SpinError(.failedPrecondition, "bridge \(quoted(nic.bridge)) is denied by \(rule.source) of qemu's bridge helper's allow-list (a deny wins over every allow), so VM \(vm) cannot join it; an administrator removes that deny line")
            }
        }
    }

    /// The helper must exist, be executable and — unless qemu runs as root — be setuid root on
    /// a file system that honours setuid.
    func checkHelper(_ helper: String, vm: String, stat info: stat?) throws {
        guard let info, (info.st_mode & S_IFMT) == S_IFREG, info.st_mode & 0o111 != 0 else {
            throw SpinError(.failedPrecondition, "qemu's bridge helper \(helper) is missing (VM \(vm) has a NIC on an external bridge); install it (apt-get install qemu-system-common) or point SPIN_BRIDGE_HELPER at it")
        }
        guard euid != 0 else { return }
        guard info.st_uid == 0, info.st_mode & S_ISUID != 0 else {
            throw SpinError(.failedPrecondition, "qemu's bridge helper \(helper) is not setuid root, so qemu run by an ordinary user cannot make VM \(vm)'s tap on its bridge; an administrator runs chown root \(helper) && chmod u+s \(helper)")
        }
        var fs = statvfs()
        if statvfs(helper, &fs) == 0, fs.f_flag & UInt(ST_NOSUID) != 0 {
            throw SpinError(.failedPrecondition, "qemu's bridge helper \(helper) is setuid root but lies on a file system mounted nosuid, so it would not gain root for VM \(vm)'s tap; install it on a file system without nosuid")
        }
    }

    /// `stat(2)` of `path`, nil when it fails.
    static func fileStatus(_ path: String) -> stat? {
        var info = stat()
        return lstatOrStat(path, &info) == 0 ? info : nil
    }
}

/// `stat(2)` (follows symbolic links), under a name the struct `stat` does not shadow.
private func lstatOrStat(_ path: String, _ info: inout stat) -> Int32 { stat(path, &info) }
