import Foundation
import Testing
@testable import SpinCore

@Suite("runtime directories: private, verified before use, never someone else's")
struct RuntimeDirectoryTests {
    static func paths(base: String) -> RuntimePaths {
        RuntimePaths(root: SpinRoot(explicit: "/srv/spin-root"), vmID: 3, environment: ["SPIN_RUNTIME_DIR": base])
    }

    @Test("the base follows SPIN_RUNTIME_DIR, then /run/spin for root, XDG_RUNTIME_DIR/spin, else /tmp/spin-UID")
    func base() {
        #expect(RuntimePaths.base(environment: ["SPIN_RUNTIME_DIR": "/x"]) == "/x")
        if geteuid() == 0 {
            #expect(RuntimePaths.base(environment: ["XDG_RUNTIME_DIR": "/run/user/0"]) == "/run/spin")
        } else {
            #expect(RuntimePaths.base(environment: ["XDG_RUNTIME_DIR": "/run/user/5"]) == "/run/user/5/spin")
            #expect(RuntimePaths.base(environment: [:]) == "/tmp/spin-\(geteuid())")
        }
        let paths = Self.paths(base: "/x")
        #expect(paths.runtimeDirectory.hasPrefix("/x/") && paths.runtimeDirectory.hasSuffix("/3"))
        #expect(paths.qmpSocket.utf8.count < 108)
    }

    @Test("a base made by another user is refused with the fix, and nothing is made in it")
    func foreignOwner() throws {
        try #require(geteuid() == 0, "needs root to make a directory owned by someone else")
        let directory = try TemporaryDirectory(prefix: "spin-rt")
        let base = directory.path + "/base"
        #expect(mkdir(base, 0o700) == 0)
        #expect(chown(base, 65534, 65534) == 0)
        let paths = Self.paths(base: base)
        do {
            try paths.create()
            Issue.record("a runtime directory owned by uid 65534 was used")
        } catch let error as SpinError {
            #expect(error.code == .failedPrecondition)
            #expect(error.message.contains(base) && error.message.contains("65534"), "\(error.message)")
        }
        #expect(throws: SpinError.self) { try paths.verify() }
        #expect((try? FileManager.default.contentsOfDirectory(atPath: base))?.isEmpty == true)
    }

    @Test("a base others may write to, or a link, is refused")
    func writableOrLink() throws {
        let directory = try TemporaryDirectory(prefix: "spin-rt")
        let open = directory.path + "/open"
        #expect(mkdir(open, 0o777) == 0)
        chmod(open, 0o777)
        #expect(throws: SpinError.self) { try Self.paths(base: open).create() }
        let link = directory.path + "/link"
        let target = directory.path + "/target"
        #expect(mkdir(target, 0o700) == 0)
        #expect(symlink(target, link) == 0)
        #expect(throws: SpinError.self) { try Self.paths(base: link).create() }
    }

    @Test("made fresh, every level is spin's and private; with a qemu user, the VM's level is that user's")
    func fresh() throws {
        let directory = try TemporaryDirectory(prefix: "spin-rt")
        let base = directory.path + "/base"
        let paths = RuntimePaths(root: SpinRoot(explicit: directory.path + "/root"), vmID: 3, environment: ["SPIN_RUNTIME_DIR": base])
        let user = geteuid() == 0 ? QemuUser.lookup(name: QemuUser.defaultName) : nil
        try paths.create(qemuUser: user)
        var info = stat()
        for level in [base, paths.rootDirectory] {
            #expect(lstat(level, &info) == 0 && info.st_uid == geteuid())
            #expect(info.st_mode & 0o022 == 0)
        }
        #expect(lstat(paths.runtimeDirectory, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
        #expect(info.st_uid == user?.uid ?? geteuid())
        try paths.verify()
        try paths.create()  // again, without the user: accepted as is
    }
}
