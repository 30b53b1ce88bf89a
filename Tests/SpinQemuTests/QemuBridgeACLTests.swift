import Testing
@testable import SpinQemu

@Suite("QemuBridgeACL: qemu-bridge-helper's /etc/qemu/bridge.conf, read as the helper reads it")
struct QemuBridgeACLTests {
    static func acl(_ files: [String: String]) throws -> QemuBridgeACL {
        try QemuBridgeACL.parse(path: "/etc/qemu/bridge.conf") { files[$0] }
    }

    @Test("allow NAME permits that bridge only; allow all permits every bridge; nothing matching is not allowed")
    func allow() throws {
        let acl = try Self.acl(["/etc/qemu/bridge.conf": "# bridges for VMs\n\n  allow br0\nallow\tbr1\n"])
        #expect(acl.decision(for: "br0") == .permitted(by: .init(.allow("br0"), source: "/etc/qemu/bridge.conf:3")))
        #expect(acl.decision(for: "br1") == .permitted(by: .init(.allow("br1"), source: "/etc/qemu/bridge.conf:4")))
        #expect(acl.decision(for: "br2") == .notAllowed)
        #expect(try Self.acl(["/etc/qemu/bridge.conf": ""]).decision(for: "br0") == .notAllowed)
        #expect(try Self.acl(["/etc/qemu/bridge.conf": "allow all\n"]).decision(for: "anything") == .permitted(by: .init(.allowAll, source: "/etc/qemu/bridge.conf:1")))
    }

    @Test("a matching deny wins wherever it stands: before or after the allow, by name or deny all")
    func denyWins() throws {
        for text in ["deny br0\nallow all\n", "allow all\ndeny br0\n", "allow br0\ndeny all\n", "deny all\nallow br0\n"] {
            let decision = try Self.acl(["/etc/qemu/bridge.conf": text]).decision(for: "br0")
            guard case .denied = decision else {
                Issue.record("\(text.debugDescription): \(decision)")
                continue
            }
        }
        // A deny of another bridge does not touch this one.
        #expect(try Self.acl(["/etc/qemu/bridge.conf": "deny br1\nallow all\n"]).decision(for: "br0") == .permitted(by: .init(.allowAll, source: "/etc/qemu/bridge.conf:2")))
    }

    @Test("include reads another file in place; a missing or bad included file is ignored, keeping the rules read before its bad line")
    func include() throws {
        let acl = try Self.acl([
            "/etc/qemu/bridge.conf": "include /etc/qemu/spin.conf\ninclude /etc/qemu/missing.conf\ninclude /etc/qemu/bad.conf\n",
            "/etc/qemu/spin.conf": "allow spinbr0\n",
            "/etc/qemu/bad.conf": "allow br7\nfrobnicate br8\nallow br9\n",
        ])
        #expect(acl.decision(for: "spinbr0") == .permitted(by: .init(.allow("spinbr0"), source: "/etc/qemu/spin.conf:1")))
        #expect(acl.decision(for: "br7") == .permitted(by: .init(.allow("br7"), source: "/etc/qemu/bad.conf:1")))
        #expect(acl.decision(for: "br9") == .notAllowed)
        // An include of itself ends (the helper stops when it runs out of files).
        let loop = try Self.acl(["/etc/qemu/bridge.conf": "allow br0\ninclude /etc/qemu/bridge.conf\n"])
        #expect(loop.decision(for: "br0") != .notAllowed)
    }

    @Test("the main file refused as the helper refuses it: missing, an unknown command, a command without argument; the error names the line")
    func refused() throws {
        #expect(throws: QemuBridgeACL.ParseError(source: "/etc/qemu/bridge.conf", reason: "cannot be opened")) { try Self.acl([:]) }
        let unknown = #expect(throws: QemuBridgeACL.ParseError.self) { try Self.acl(["/etc/qemu/bridge.conf": "allow br0\npermit br1\n"]) }
        #expect(unknown?.description.hasPrefix("/etc/qemu/bridge.conf:2: unknown command \"permit\"") == true)
        let bare = #expect(throws: QemuBridgeACL.ParseError.self) { try Self.acl(["/etc/qemu/bridge.conf": "allow\n"]) }
        #expect(bare?.source == "/etc/qemu/bridge.conf:1")
        // The first space ends the command: a tab-separated rule with a trailing space is not a rule.
        #expect(throws: QemuBridgeACL.ParseError.self) { try Self.acl(["/etc/qemu/bridge.conf": "allow\tbr0 \n"]) }
    }

    @Test("names are cut at 15 bytes as the helper cuts them; a trailing comment is part of the name, so it matches nothing")
    func names() throws {
        let acl = try Self.acl(["/etc/qemu/bridge.conf": "allow br0 # lab\nallow abcdefghijklmnopq\n"])
        #expect(acl.decision(for: "br0") == .notAllowed)
        #expect(acl.decision(for: "abcdefghijklmno") != .notAllowed)
    }
}
