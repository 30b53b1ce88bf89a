import Foundation
import SpinQemu
import Testing
@testable import SpinCore

@Suite("BridgeHelperCheck: what would make qemu's bridge helper fail, named with its fix")
struct BridgeHelperCheckTests {
    static let nic = QemuBridgeNIC(bridge: "br0", helper: "/usr/lib/qemu/qemu-bridge-helper", macAddress: "52:54:01:00:00:01")

    static func check(acl: String?, links: [String: String] = ["br0": "bridge"], euid: uid_t = 1000, tun: Bool = true) -> BridgeHelperCheck {
        BridgeHelperCheck(aclPath: "/etc/qemu/bridge.conf", euid: euid, tunUsable: tun, read: { $0 == "/etc/qemu/bridge.conf" ? acl : nil }, linkKind: { links[$0] })
    }

    /// A stat of a root-owned executable, setuid when asked.
    static func helper(setuid: Bool, owner: uid_t = 0) -> stat {
        var info = stat()
        info.st_mode = S_IFREG | 0o755 | (setuid ? S_ISUID : 0)
        info.st_uid = owner
        return info
    }

    static func message(_ body: () async throws -> Void) async -> String {
        do { try await body() } catch let error as SpinError { return error.message } catch { return "\(error)" }
        return "no error"
    }

    @Test("an allowed bridge with a setuid-root helper passes")
    func passes() async throws {
        try await Self.check(acl: "allow br0\n").check([Self.nic], vm: "web") { _ in Self.helper(setuid: true) }
        // As root the helper needs no setuid bit.
        try await Self.check(acl: "allow all\n", euid: 0).check([Self.nic], vm: "web") { _ in Self.helper(setuid: false) }
    }

    @Test("each problem is named with its fix: bridge missing or not a bridge, helper missing or not setuid root, tun device closed, ACL missing, refused, not allowing or denying the bridge")
    func failures() async {
        let ok: (String) -> stat? = { _ in Self.helper(setuid: true) }
        #expect(await Self.message { try await Self.check(acl: "allow br0\n", links: [:]).check([Self.nic], vm: "web", helperStat: ok) }
            .contains("bridge \"br0\", which does not exist on this host; an administrator makes it (ip link add br0 type bridge"))
        #expect(await Self.message { try await Self.check(acl: "allow br0\n", links: ["br0": "veth"]).check([Self.nic], vm: "web", helperStat: ok) }
            .contains("is a veth link, not a bridge"))
        #expect(await Self.message { try await Self.check(acl: "allow br0\n").check([Self.nic], vm: "web") { _ in nil } }
            .contains("is missing (VM web has a NIC on an external bridge); install it (apt-get install qemu-system-common) or point SPIN_BRIDGE_HELPER at it"))
        #expect(await Self.message { try await Self.check(acl: "allow br0\n").check([Self.nic], vm: "web") { _ in Self.helper(setuid: false) } }
            .contains("is not setuid root, so qemu run by an ordinary user cannot make VM web's tap on its bridge; an administrator runs chown root /usr/lib/qemu/qemu-bridge-helper && chmod u+s /usr/lib/qemu/qemu-bridge-helper"))
        #expect(await Self.message { try await Self.check(acl: "allow br0\n").check([Self.nic], vm: "web") { _ in Self.helper(setuid: true, owner: 1000) } }
            .contains("is not setuid root"))
        #expect(await Self.message { try await Self.check(acl: "allow br0\n", euid: 4_000_000, tun: false).check([Self.nic], vm: "web", helperStat: ok) }
            .contains("opens /dev/net/tun as uid 4000000 (it keeps only CAP_NET_ADMIN), which may not read and write it, so VM web would get no tap; an administrator runs chmod 0666 /dev/net/tun (Debian's default) or setfacl -m u:4000000:rw /dev/net/tun"))
        #expect(await Self.message { try await Self.check(acl: nil).check([Self.nic], vm: "web", helperStat: ok) }
            .contains("/etc/qemu/bridge.conf, which cannot be opened; an administrator creates it with a line allow br0"))
        #expect(await Self.message { try await Self.check(acl: "allow br0\npermit br1\n").check([Self.nic], vm: "web", helperStat: ok) }
            .contains("would refuse its allow-list: /etc/qemu/bridge.conf:2: unknown command \"permit\""))
        #expect(await Self.message { try await Self.check(acl: "allow br1\n").check([Self.nic], vm: "web", helperStat: ok) }
            == "bridge \"br0\" is not allowed by /etc/qemu/bridge.conf, the allow-list of qemu's bridge helper, so VM web cannot join it; an administrator adds the line allow br0 to it")
        #expect(await Self.message { try await Self.check(acl: "allow all\ndeny br0\n").check([Self.nic], vm: "web", helperStat: ok) }
            .contains("bridge \"br0\" is denied by /etc/qemu/bridge.conf:2 of qemu's bridge helper's allow-list (a deny wins over every allow)"))
    }
}
