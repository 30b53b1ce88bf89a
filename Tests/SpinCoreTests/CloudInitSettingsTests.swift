import Foundation
import Testing
@testable import SpinCore

@Suite("cloud-init settings, guest commands and the VM's cloud-init helpers")
struct CloudInitSettingsTests {
    private func fields(_ settings: CloudInit) -> [String] { settings.validate().map(\.field) }

    @Test("keys: OpenSSH public key lines in printable ASCII, options allowed first; a private key, a blank or a control character is refused",
          arguments: [
            ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG2 me@host", true),
            ("ssh-rsa AAAAB3NzaC1yc2E", true),
            ("ecdsa-sha2-nistp256 AAAAE2VjZHNh x", true),
            ("sk-ssh-ed25519@openssh.com AAAAGnNr k", true),
            ("from=\"10.0.0.1\",no-pty ssh-ed25519 AAAAC3Nz", true),
            ("ssh-ed25519   AAAAC3Nz two spaces", true),
            ("-----BEGIN OPENSSH PRIVATE KEY-----", false),
            ("", false), ("   ", false),
            ("ssh-ed25519 BBBB", false),
            ("ssh-ed25519 AAAA\tx", false),
            ("ssh-ed25519 AAAA é", false),
            ("xssh-ed25519 AAAA", false),
          ])
    func keys(line: String, valid: Bool) {
        #expect(CloudInit.isPublicKeyLine(line) == valid)
        #expect(fields(CloudInit(authorizedKeys: [line])) == (valid ? [] : ["authorizedKeys[0]"]))
    }

    @Test("user names, instance ids and user-data follow the document's rules")
    func otherFields() {
        #expect(fields(CloudInit(userName: "_ops-1")) == [])
        for bad in ["Ops", "1ops", "", "o p", String(repeating: "a", count: 33)] {
            #expect(fields(CloudInit(userName: bad)) == ["userName"], "\(bad)")
        }
        #expect(fields(CloudInit(instanceID: "spin-0123.a_b")) == [])
        for bad in [".", "..", "-a", "a/b", "", String(repeating: "a", count: 129)] {
            #expect(fields(CloudInit(instanceID: bad)) == ["instanceID"], "\(bad)")
        }
        #expect(fields(CloudInit(userData: "#cloud-config\n")) == [])
        for bad in ["", " \n\t\r", "#cloud-config\u{0}", String(repeating: "é", count: 65537)] {
            #expect(fields(CloudInit(userData: bad)) == ["userData"])
        }
        #expect(fields(CloudInit(authorizedKeys: Array(repeating: "ssh-rsa AAAA", count: 65))) == ["authorizedKeys"])
        #expect(VMSpec(name: "web", cloudInit: CloudInit(userName: "X")).validate().map(\.field) == ["cloudInit.userName"])
    }

    @Test("a fresh instance id is valid and new each time; withNewInstanceID changes only that")
    func instanceIDs() {
        let id = CloudInit.newInstanceID()
        #expect(CloudInit.isInstanceID(id) && id.hasPrefix("spin-") && id != CloudInit.newInstanceID())
        let vm = VM(id: 3, name: "web", cloudInit: CloudInit(authorizedKeys: ["ssh-rsa AAAA"], instanceID: "spin-old"))
        let clone = vm.withNewInstanceID()
        #expect(clone.cloudInit?.instanceID != "spin-old")
        #expect(clone.cloudInit?.authorizedKeys == vm.cloudInit?.authorizedKeys && clone.name == vm.name)
        let plain = VM(id: 4, name: "plain")
        #expect(plain.withNewInstanceID() == plain)
    }

    @Test("the host name is the VM's name made a valid host name label", arguments: [
        ("web", "web"), ("web_1", "web-1"), ("Web-", "Web"), ("a__", "a"),
    ])
    func hostname(name: String, expected: String) {
        #expect(VM(id: 9, name: name).hostname == expected)
        #expect(CloudInitSeed.isValidHostname(VM(id: 9, name: name).hostname))
    }

    @Test("the SSH forward is the first TCP forward to guest port 22")
    func sshForward() {
        let vm = VM(id: 1, name: "a", ports: [
            PortForward(protocol: .udp, guestPort: 22, hostAddress: "127.0.0.1", hostPort: 1),
            PortForward(guestPort: 80, hostAddress: "127.0.0.1", hostPort: 2),
            PortForward(guestPort: 22, hostAddress: "127.0.0.1", hostPort: 3),
        ])
        #expect(vm.sshForward?.hostPort == 3)
        #expect(VM(id: 2, name: "b").sshForward == nil)
    }

    @Test("guest commands: 1 to 64 arguments of at most 1024 characters without NUL, stdin up to 256 KiB, timeout 1 to 3600")
    func guestCommandLimits() {
        func refused(_ command: GuestCommand) -> Bool { (try? ServiceLimits.checkGuestCommand(command)) == nil }
        #expect(!refused(GuestCommand(argv: ["uname", "-a"], stdin: Data(count: 256 << 10), timeoutSeconds: 3600)))
        #expect(!refused(GuestCommand(argv: Array(repeating: String(repeating: "é", count: 1024), count: 64))))
        #expect(!refused(GuestCommand(argv: [""])), "an empty program is the agent's to refuse (422)")
        #expect(refused(GuestCommand(argv: [])))
        #expect(refused(GuestCommand(argv: Array(repeating: "a", count: 65))))
        #expect(refused(GuestCommand(argv: [String(repeating: "a", count: 1025)])))
        #expect(refused(GuestCommand(argv: ["a\u{0}b"])))
        #expect(refused(GuestCommand(argv: ["cat"], stdin: Data(count: (256 << 10) + 1))))
        #expect(refused(GuestCommand(argv: ["true"], timeoutSeconds: 0)))
        #expect(refused(GuestCommand(argv: ["true"], timeoutSeconds: 3601)))
        #expect(GuestCommandResult(exitCode: 7).shellStatus == 7)
        #expect(GuestCommandResult(exitCode: nil, signal: 9).shellStatus == 137)
    }
}
