import Foundation
import Testing
@testable import SpinCore

@Suite("cloud-init NoCloud seed: validation and rendering")
struct CloudInitSeedTests {
    @Test("meta-data names the instance and host with quoted scalars")
    func metaData() throws {
        let seed = try CloudInitSeed(instanceID: "spin-1-a3f9", hostname: "web")
        #expect(seed.metaDataFile == "instance-id: \"spin-1-a3f9\"\nlocal-hostname: \"web\"\n")
    }

    @Test("generated user-data makes the default user with sudo, a locked password and the keys")
    func generatedUserData() throws {
        let seed = try CloudInitSeed(
            instanceID: "i-1", hostname: "web",
            authorizedKeys: ["ssh-ed25519 AAAAC3Nza spin@host", "ssh-rsa AAAAB3 \"quoted\" #not-a-comment"])
        #expect(seed.userDataFile == """
            #cloud-config
            users:
              - name: "spin"
                shell: "/bin/bash"
                sudo: "ALL=(ALL) NOPASSWD:ALL"
                lock_passwd: true
                ssh_authorized_keys:
                  - "ssh-ed25519 AAAAC3Nza spin@host"
                  - "ssh-rsa AAAAB3 \\"quoted\\" #not-a-comment"
            ssh_pwauth: false
            manage_etc_hosts: true

            """)
        #expect(seed.files.map(\.name) == ["meta-data", "user-data"])
    }

    @Test("the user's own user-data is written verbatim and the keys move to meta-data's public-keys")
    func ownUserData() throws {
        let own = "#cloud-config\nruncmd:\n  - [touch, /root/ran]"
        let seed = try CloudInitSeed(instanceID: "i-1", hostname: "web", authorizedKeys: ["ssh-ed25519 AAAA k"], userData: own)
        #expect(seed.userDataFile == own + "\n")
        #expect(seed.metaDataFile.hasSuffix("public-keys:\n  - \"ssh-ed25519 AAAA k\"\n"))
        let keyless = try CloudInitSeed(instanceID: "i-1", hostname: "web", userData: own)
        #expect(!keyless.metaDataFile.contains("public-keys"))
    }

    @Test("YAML scalars escape quotes, backslashes, controls and line separators, and keep UTF-8")
    func quoting() {
        #expect(YAMLScalar.quoted("plain") == "\"plain\"")
        #expect(YAMLScalar.quoted("yes") == "\"yes\"")
        #expect(YAMLScalar.quoted("a\"b\\c") == #""a\"b\\c""#)
        #expect(YAMLScalar.quoted("l1\nl2\tx\r\0") == #""l1\nl2\tx\r\0""#)
        #expect(YAMLScalar.quoted("\u{1B}[0m\u{7F}\u{85}\u{2028}\u{FEFF}") == #""\u001B[0m\u007F\u0085\u2028\uFEFF""#)
        #expect(YAMLScalar.quoted("héllo ✓ 🙂") == "\"héllo ✓ 🙂\"")
        #expect(YAMLScalar.quoted("") == "\"\"")
    }

    @Test("network-config version 2: DHCP or a static address on the NIC matched by MAC, or the user's text")
    func networkConfig() throws {
        #expect(CloudInitNetworkConfig.dhcp(macAddress: "52:54:00:AB:CD:EF").rendered() == """
            version: 2
            ethernets:
              nic0:
                match:
                  macaddress: "52:54:00:ab:cd:ef"
                dhcp4: true

            """)
        let fixed = CloudInitNetworkConfig.staticIPv4(
            macAddress: "52:54:00:12:34:56", address: "10.0.2.20/24", gateway: "10.0.2.2", nameservers: ["10.0.2.3", "1.1.1.1"])
        #expect(fixed.rendered().hasSuffix("""
                dhcp4: false
                addresses:
                  - "10.0.2.20/24"
                routes:
                  - to: "0.0.0.0/0"
                    via: "10.0.2.2"
                nameservers:
                  addresses:
                    - "10.0.2.3"
                    - "1.1.1.1"

            """))
        #expect(CloudInitNetworkConfig.custom("version: 2").rendered() == "version: 2\n")
        let seed = try CloudInitSeed(instanceID: "i", hostname: "h", networkConfig: .dhcp(macAddress: "52:54:00:12:34:56"))
        #expect(seed.files.map(\.name) == ["meta-data", "user-data", "network-config"])
    }

    @Test("invalid identities, user names, keys and empty files are refused with a message naming the rule")
    func validation() throws {
        func refused(_ make: () throws -> CloudInitSeed) -> String? {
            do {
                _ = try make()
                return nil
            } catch let error as SpinError {
                #expect(error.code == .invalidArgument)
                return error.message
            } catch {
                return "\(error)"
            }
        }
        #expect(refused { try CloudInitSeed(instanceID: "", hostname: "web") }?.contains("instance id") == true)
        #expect(refused { try CloudInitSeed(instanceID: "a/b", hostname: "web") } != nil)
        #expect(refused { try CloudInitSeed(instanceID: "..", hostname: "web") } != nil)
        #expect(refused { try CloudInitSeed(instanceID: "i", hostname: "web_1") }?.contains("host name \"web_1\"") == true)
        #expect(refused { try CloudInitSeed(instanceID: "i", hostname: "-web") } != nil)
        #expect(refused { try CloudInitSeed(instanceID: "i", hostname: "a..b") } != nil)
        #expect(refused { try CloudInitSeed(instanceID: "i", hostname: String(repeating: "a", count: 64)) } != nil)
        #expect(refused { try CloudInitSeed(instanceID: "i", hostname: "web", userName: "Root") }?.contains("user name") == true)
        #expect(refused { try CloudInitSeed(instanceID: "i", hostname: "web", userName: "a b") } != nil)
        #expect(refused { try CloudInitSeed(instanceID: "i", hostname: "web", authorizedKeys: ["ssh-ed25519 A\nB"]) }?.contains("one non-empty line") == true)
        #expect(refused { try CloudInitSeed(instanceID: "i", hostname: "web", authorizedKeys: [" "]) } != nil)
        #expect(refused { try CloudInitSeed(instanceID: "i", hostname: "web", userData: " \n") }?.contains("#cloud-config") == true)
        #expect(refused { try CloudInitSeed(instanceID: "i", hostname: "web", networkConfig: .custom("")) } != nil)
        #expect(refused { try CloudInitSeed(instanceID: "spin-1.a_b", hostname: "web-1.example.org", userName: "_ops-1") } == nil)
    }

    @Test("a seed round-trips through JSON for storage")
    func codable() throws {
        let seed = try CloudInitSeed(
            instanceID: "i-1", hostname: "web", authorizedKeys: ["ssh-ed25519 AAAA k"],
            networkConfig: .staticIPv4(macAddress: "52:54:00:12:34:56", address: "10.0.2.20/24", gateway: nil, nameservers: []))
        let decoded = try JSONDecoder().decode(CloudInitSeed.self, from: JSONEncoder().encode(seed))
        #expect(decoded == seed)
    }
}
