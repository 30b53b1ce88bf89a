import Foundation
import SpinQemu
import Testing
@testable import SpinCore

@Suite("spin-server setup: the qemu user, made once")
struct QemuUserSetupTests {
    @Test("setup creates a missing system user with no shell, then leaves it as it is")
    func createsOnce() async throws {
        try #require(geteuid() == 0, "needs root")
        let name = "spin-qt\(UInt16.random(in: 1000...9999))"
        do {
            try await check(name)
        } catch {
            _ = try? await ProcessRunner.run("/usr/sbin/userdel", [name], check: false)
            throw error
        }
        _ = try await ProcessRunner.run("/usr/sbin/userdel", [name], check: false)
        #expect(QemuUser.lookup(name: name) == nil)
    }

    private func check(_ name: String) async throws {
        let first = try await QemuUserSetup(name: name).run()
        #expect(first.first == "created the system user \(name)")
        let user = try #require(QemuUser.lookup(name: name))
        #expect(user.uid != 0 && user.uid < 1000, "a system uid")
        let entry = try #require(getpwnam(name))
        #expect(String(cString: entry.pointee.pw_shell) == "/usr/sbin/nologin")
        let second = try await QemuUserSetup(name: name).run()
        #expect(second.first == "the system user \(name) exists")
        #expect(QemuUser.lookup(name: name) == user)
    }
}
