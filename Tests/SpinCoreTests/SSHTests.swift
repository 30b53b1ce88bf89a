import Foundation
import Testing
@testable import SpinCore

@Suite("spin ssh's command line, the root's key pair and the SSH port", .serialized)
struct SSHTests {
    @Test("ssh gets the port, the key only, the VM's known-hosts file with accept-new, then user@host and the command as is")
    func arguments() {
        let command = SSHCommand(user: "spin", port: 2222, identity: "/r/ssh/id_ed25519", knownHosts: "/r/vms/1/known_hosts", command: ["-v", "uname", "-a"])
        #expect(command.arguments == [
            "ssh", "-p", "2222", "-i", "/r/ssh/id_ed25519", "-o", "UserKnownHostsFile=/r/vms/1/known_hosts",
            "-o", "StrictHostKeyChecking=accept-new", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR", "spin@127.0.0.1", "-v", "uname", "-a",
        ])
        #expect(SSHCommand(user: "u", port: 1, identity: "k", knownHosts: "h").arguments.last == "u@127.0.0.1")
    }

    @Test("the key pair is made once, private key 0600 in a 0700 directory, and racing makers share one pair")
    func keyPair() async throws {
        let directory = try TemporaryDirectory()
        let pair = SSHKeyPair(root: SpinRoot(explicit: directory.path))
        #expect(try pair.existingPublicKey() == nil)
        let lines = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 { group.addTask { try await pair.ensure() } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(lines).count == 1)
        let line = try #require(lines.first)
        #expect(line.hasPrefix("ssh-ed25519 AAAA") && CloudInit.isPublicKeyLine(line))
        let mode = { (path: String) in (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue }
        #expect(try mode(pair.privateKey) == 0o600)
        #expect(try mode(pair.directory) == 0o700)
        #expect(try await pair.ensure() == line)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: pair.directory).filter { $0.hasPrefix(".new") }
        #expect(leftovers.isEmpty)
        // A private key whose public half went missing gets it back, derived.
        try FileManager.default.removeItem(atPath: pair.publicKey)
        #expect(try await pair.ensure().hasPrefix(line.split(separator: " ").prefix(2).joined(separator: " ")))
    }

    @Test("a picked SSH port is in range, free and not taken by a VM")
    func portPicker() throws {
        let taken = Set(SSHPortPicker.range.filter { $0 % 2 == 0 })
        let port = try SSHPortPicker().pick(excluding: taken)
        #expect(SSHPortPicker.range.contains(port) && !taken.contains(port) && SSHPortPicker.isFree(port))
    }
}
