import Foundation
import Testing
@testable import SpinCore

@Suite("the qemu user's access to a VM's files: ACL grants and the check made as that user")
struct QemuFileAccessTests {
    @Test("an ACL from mode bits, a grant for one user with its mask, and the attribute's bytes round-trip")
    func aclEncoding() throws {
        var acl = PosixACL(mode: 0o640)
        #expect(acl.permissions(ofUser: 999) == nil)
        acl.grant(user: 999, PosixACL.read | PosixACL.write)
        acl.grant(user: 998, PosixACL.execute)
        #expect(acl.permissions(ofUser: 999) == 6)
        let tags = acl.entries.map(\.tag)
        #expect(tags == [PosixACL.userObject, PosixACL.user, PosixACL.user, PosixACL.groupObject, PosixACL.mask, PosixACL.other])
        #expect(acl.entries.first { $0.tag == PosixACL.mask }?.permissions == 7)
        #expect(acl.entries.filter { $0.tag == PosixACL.user }.map(\.id) == [998, 999])
        #expect(PosixACL(bytes: acl.bytes) == acl)
        #expect(PosixACL(bytes: [1, 0, 0, 0]) == nil)
    }

    @Test("a root-only file is denied to the qemu user, readable after a grant, and the owner and mode stay")
    func grantThenAccess() throws {
        try #require(geteuid() == 0, "needs root")
        let user = try #require(QemuUser.lookup(name: QemuUser.defaultName), "scripts/install-deps creates \(QemuUser.defaultName)")
        let directory = try TemporaryDirectory(prefix: "spin-acl")
        chmod(directory.path, 0o711)
        let file = directory.path + "/disk.img"
        try Data(count: 512).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o600)
        let need = [QemuFileAccess.Requirement(what: "disk image", path: file, need: .readWrite)]
        let denied = try #require(QemuFileAccess.firstDenied(need, as: user))
        #expect(denied.1.code == EACCES)
        // The check ran on its own thread: this one is still root and may read the file.
        #expect(access(file, R_OK | W_OK) == 0)

        try QemuFileGrants.grant(file, user: user, PosixACL.read | PosixACL.write)
        #expect(QemuFileAccess.firstDenied(need, as: user) == nil)
        var info = stat()
        #expect(stat(file, &info) == 0)
        #expect(info.st_uid == 0)
        #expect(info.st_mode & 0o700 == 0o600)
        #expect(info.st_mode & 0o007 == 0, "others still have nothing")
        // Granting again changes nothing.
        try QemuFileGrants.grant(file, user: user, PosixACL.read)
        #expect(QemuFileAccess.firstDenied(need, as: user) == nil)
    }

    @Test("an overlay's base is granted read only, a disk image read and write; both open the volume directory for passing through")
    func baseImageGrant() {
        let base = LaunchFile(what: LaunchFile.baseImage, path: "/srv/vol/debian", access: .read, granted: true)
        let disk = LaunchFile(what: LaunchFile.diskImage, path: "/srv/vol/web.qcow2", access: .readWrite, granted: true)
        #expect(QemuFileGrants.permissions(for: base) == PosixACL.read)
        #expect(QemuFileGrants.permissions(for: disk) == PosixACL.read | PosixACL.write)
        let grants = QemuFileGrants(root: SpinRoot(explicit: "/var/lib/spin"))
        #expect(grants.grantableDirectories(above: base.path, isDisk: true) == ["/srv/vol"])
    }

    @Test("the check names the file and the user, and tells the operator how to allow it")
    func message() throws {
        try #require(geteuid() == 0, "needs root")
        let user = try #require(QemuUser.lookup(name: QemuUser.defaultName))
        let directory = try TemporaryDirectory(prefix: "spin-acl")
        chmod(directory.path, 0o711)
        let file = directory.path + "/only-root.iso"
        try Data(count: 16).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o600)
        do {
            try QemuFileAccess.check([.init(what: "CD-ROM", path: file, need: .read)], as: user, vm: "web")
            Issue.record("a root-only file passed")
        } catch {
            #expect(error.code == .failedPrecondition)
            #expect(error.message.contains(file) && error.message.contains(user.name) && error.message.contains("setfacl"), "\(error.message)")
        }
    }

    @Test("as root, the qemu user is never root, and a missing one is named with the fix")
    func resolve() throws {
        try #require(geteuid() == 0, "needs root")
        #expect(try QemuUser.resolve(name: nil).uid != 0)
        #expect(throws: SpinError.self) { try QemuUser.resolve(name: "root") }
        do {
            _ = try QemuUser.resolve(name: "spin-no-such-user")
            Issue.record("a missing user resolved")
        } catch {
            #expect(error.message.contains("spin-server setup"))
        }
    }
}
