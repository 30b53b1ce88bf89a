import Foundation
import Hummingbird
import HummingbirdTesting
import SpinCore
import Testing

/// A server confines every host path a caller names to its allowed roots (`--allow-path`):
/// refused with 403 naming the path and the option, with nothing recorded.
@Suite("Router: host paths outside the allowed roots are 403")
struct RouterAllowedPathsTests {
    static func confined(_ options: inout SpinOptions, _ directory: String) {
        options.allowedPaths = AllowedRoots([directory + "/allowed"])
    }

    static func allowedDirectory(_ fixture: ServerFixture) throws -> String {
        let path = fixture.directory + "/allowed"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a volume at /etc is 403 naming the path and --allow-path, and nothing is recorded")
    func volumeAtEtc() async throws {
        try await ServerFixture.with(configure: Self.confined) { fixture in
            let allowed = try Self.allowedDirectory(fixture)
            try FileManager.default.createSymbolicLink(atPath: allowed + "/link", withDestinationPath: "/etc")
            try await fixture.withRouter { client in
                for path in ["/etc", "/etc/spin-vol", allowed + "/link", allowed + "/link/sub", allowed + "/../escape"] {
                    let reply = try await client.send(.post, "/v1/volumes", json: ["name": "v1", "path": path])
                    #expect(reply.status == 403 && reply.errorCode == "forbidden", "\(path): \(reply.text)")
                    #expect(reply.text.contains("--allow-path DIR"), "\(reply.text)")
                }
                #expect(try await client.send(.get, "/v1/volumes").array.isEmpty)
                #expect(!FileManager.default.fileExists(atPath: "/etc/spin-vol"))
                // Inside the root, and the default place, are fine.
                #expect(try await client.send(.post, "/v1/volumes", json: ["name": "v1", "path": allowed + "/v1"]).status == 201)
                #expect(try await client.send(.post, "/v1/volumes", json: ["name": "v2"]).status == 201)
            }
        }
    }

    @Test("a VM whose CD-ROM, kernel or initrd is a root-only file outside the roots is 403; nothing changes")
    func cdromOutside() async throws {
        try await ServerFixture.with(configure: Self.confined) { fixture in
            let allowed = try Self.allowedDirectory(fixture)
            try FileManager.default.createSymbolicLink(atPath: allowed + "/shadow.iso", withDestinationPath: "/etc/shadow")
            try Data("iso".utf8).write(to: URL(fileURLWithPath: allowed + "/ok.iso"))
            try await fixture.withRouter { client in
                for path in ["/etc/shadow", allowed + "/shadow.iso"] {
                    let create = try await client.send(.post, "/v1/vms", json: ["name": "web", "storage": [["kind": "cdrom", "path": path]]])
                    #expect(create.status == 403 && create.errorCode == "forbidden", "\(create.text)")
                    #expect(create.text.contains("CD-ROM"), "\(create.text)")
                    let kernel = try await client.send(.post, "/v1/vms", json: ["name": "web", "kernel": ["kernel": path]])
                    #expect(kernel.status == 403, "\(kernel.text)")
                    let initrd = try await client.send(.post, "/v1/vms", json: ["name": "web", "kernel": ["kernel": allowed + "/ok.iso", "initrd": path]])
                    #expect(initrd.status == 403, "\(initrd.text)")
                }
                #expect(try await client.send(.get, "/v1/vms").array.isEmpty)
                #expect(try await client.send(.post, "/v1/vms", json: ["name": "web", "storage": [["kind": "cdrom", "path": allowed + "/ok.iso"]]]).status == 201)
                let attach = try await client.send(.post, "/v1/vms/web/images", json: ["attachment": ["kind": "cdrom", "path": "/etc/shadow"]])
                #expect(attach.status == 403, "\(attach.text)")
                let update = try await client.send(.patch, "/v1/vms/web", json: ["kernel": ["kernel": "/etc/shadow"]])
                #expect(update.status == 403, "\(update.text)")
                let vm = try await fixture.spin.vm("web")
                #expect(vm.storage == [.cdrom(path: allowed + "/ok.iso")] && vm.kernel == nil)
                // Bad input is still 400, before the path is judged.
                #expect(try await client.send(.post, "/v1/vms", json: ["name": "web2", "storage": [["kind": "cdrom", "path": "relative.iso"]]]).status == 400)
            }
        }
    }

    @Test("a shared folder outside the roots, or through a link out of them, is 403 at create and update; one inside is kept with its guest path")
    func sharedFolderOutside() async throws {
        try await ServerFixture.with(configure: Self.confined) { fixture in
            let allowed = try Self.allowedDirectory(fixture)
            try FileManager.default.createSymbolicLink(atPath: allowed + "/etc", withDestinationPath: "/etc")
            try FileManager.default.createDirectory(atPath: allowed + "/src", withIntermediateDirectories: true)
            try await fixture.withRouter { client in
                for path in ["/etc", "/root", allowed + "/etc"] {
                    let create = try await client.send(.post, "/v1/vms", json: ["name": "web", "mounts": [["hostPath": path, "guestPath": "/src"]]])
                    #expect(create.status == 403 && create.text.contains("shared folder"), "\(path): \(create.text)")
                }
                #expect(try await client.send(.get, "/v1/vms").array.isEmpty)
                let inside = try await client.send(.post, "/v1/vms", json: ["name": "web", "mounts": [["hostPath": allowed + "/src", "guestPath": "/src", "readOnly": true]], "firmware": "uefi"])
                #expect(inside.status == 201, "\(inside.text)")
                let update = try await client.send(.patch, "/v1/vms/web", json: ["mounts": [["hostPath": "/etc", "guestPath": "/etc2"]]])
                #expect(update.status == 403, "\(update.text)")
                let vm = try await fixture.spin.vm("web")
                #expect(vm.mounts == [SharedFolder(hostPath: allowed + "/src", guestPath: "/src", readOnly: true)] && vm.firmware == .uefi)
                #expect(try await client.send(.post, "/v1/vms", json: ["name": "web2", "mounts": [["hostPath": allowed + "/src", "guestPath": "/a b"]]]).status == 400)
            }
        }
    }

    @Test("a raw broker command with a volume path outside the roots is 403 and not added")
    func rawCommand() async throws {
        try await ServerFixture.with(configure: Self.confined) { fixture in
            let allowed = try Self.allowedDirectory(fixture)
            try await fixture.withRouter { client in
                let package = try #require(try await client.send(.post, "/v1/packages").object["id"] as? Int)
                for path in ["/etc", "relative", allowed + "/../x"] {
                    let reply = try await client.send(.post, "/v1/packages/\(package)/commands", json: [
                        "resource": "storage", "action": "add_volume", "parameters": ["volumePath": path],
                    ])
                    #expect(reply.status == 403, "\(path): \(reply.text)")
                }
                let copy = try await client.send(.post, "/v1/packages/\(package)/commands", json: [
                    "resource": "storage", "action": "copy_image",
                    "parameters": ["volumePath": allowed, "image": "a", "targetVolumePath": "/root", "targetImage": "b"],
                ])
                #expect(copy.status == 403 && copy.text.contains("targetVolumePath"), "\(copy.text)")
                let inside = try await client.send(.post, "/v1/packages/\(package)/commands", json: [
                    "resource": "storage", "action": "add_volume", "parameters": ["volumePath": allowed + "/v9"],
                ])
                #expect(inside.status == 201, "\(inside.text)")
                let status = try await client.send(.get, "/v1/packages/\(package)")
                #expect((status.object["commands"] as? [Any])?.count == 1)
            }
        }
    }

    @Test("a file to import outside the roots, or reached through a link out of them, is 403 with nothing recorded; one inside is imported")
    func importOutside() async throws {
        try await ServerFixture.with(configure: Self.confined) { fixture in
            let allowed = try Self.allowedDirectory(fixture)
            try FileManager.default.createSymbolicLink(atPath: allowed + "/passwd.img", withDestinationPath: "/etc/passwd")
            try Data(repeating: 1, count: 4096).write(to: URL(fileURLWithPath: allowed + "/disk.img"))
            try await fixture.withRouter { client in
                #expect(try await client.send(.post, "/v1/volumes", json: ["name": "vol1", "path": allowed + "/vol1"]).status == 201)
                for path in ["/etc/passwd", allowed + "/passwd.img", allowed + "/../disk.img"] {
                    let reply = try await client.send(.post, "/v1/images/vol1/copy.raw/import", json: ["path": path])
                    #expect(reply.status == 403 && reply.errorCode == "forbidden", "\(path): \(reply.text)")
                    #expect(reply.text.contains("file to import") && reply.text.contains("--allow-path DIR"), "\(reply.text)")
                }
                #expect(try await client.send(.get, "/v1/images").array.isEmpty)
                let raw = try await client.send(.post, "/v1/packages", json: nil)
                let package = try #require(raw.object["id"] as? Int)
                let command = try await client.send(.post, "/v1/packages/\(package)/commands", json: [
                    "resource": "storage", "action": "import_image",
                    "parameters": ["sourcePath": "/etc/passwd", "volumePath": allowed + "/vol1", "image": "p", "format": "raw", "sizeBytes": 4096],
                ])
                #expect(command.status == 403 && command.text.contains("sourcePath"), "\(command.text)")
                let imported = try await client.send(.post, "/v1/images/vol1/disk.raw/import", json: ["path": allowed + "/disk.img", "base": true])
                #expect(imported.status == 201, "\(imported.text)")
                #expect(imported.object["base"] as? Bool == true && imported.object["format"] as? String == "raw")
            }
        }
    }

    @Test("the embedded SDK (no allowed roots) accepts its user's paths")
    func unconfined() async throws {
        try await ServerFixture.with { fixture in
            let outside = fixture.directory + "/elsewhere"
            _ = try await fixture.spin.createVolume(name: "v1", path: outside)
            #expect(FileManager.default.fileExists(atPath: outside))
        }
    }
}
