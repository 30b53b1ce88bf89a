import Foundation
import SpinQemu

/// Makes the host ready to run qemu unprivileged when spin runs as root: the system user
/// (``QemuUser/defaultName`` unless named otherwise), created once, with no home, no login shell
/// and its own group, and a member of the KVM device's group when the host has one. Idempotent:
/// a host already set up is left as it is. `spin-server setup` and `scripts/install-deps` run it.
public struct QemuUserSetup: Sendable {
    /// The user to make.
    public var name: String
    /// The KVM device whose group the user joins.
    public var kvmDevice: String

    /// Describes a setup.
    public init(name: String = QemuUser.defaultName, kvmDevice: String = "/dev/kvm") {
        self.name = name
        self.kvmDevice = kvmDevice
    }

    /// Creates what is missing and says what it did, one line per step.
    /// - Throws: ``SpinError`` `.forbidden` when not root, `.actionFailed` when a tool fails.
    public func run() async throws -> [String] {
        guard geteuid() == 0 else {
            throw SpinError(.forbidden, "setup creates the system user \(name) and needs root; run it with sudo (an ordinary user's qemu runs as that user and needs no setup)")
        }
        var done: [String] = []
        if QemuUser.lookup(name: name) == nil {
            try await Self.tool("/usr/sbin/useradd", ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "--comment", "spin qemu", name])
            done.append("created the system user \(name)")
        } else {
            done.append("the system user \(name) exists")
        }
        guard let user = QemuUser.lookup(name: name), user.uid != 0 else {
            throw SpinError(.actionFailed, "the qemu user \(name) is missing or is root after setup; check /etc/passwd")
        }
        var info = stat()
        if stat(kvmDevice, &info) == 0, info.st_gid != 0, let group = getgrgid(info.st_gid), let namePointer = group.pointee.gr_name {
            let groupName = String(cString: namePointer)
            if user.groups.contains(info.st_gid) {
                done.append("\(name) is in group \(groupName) (\(kvmDevice))")
            } else {
                try await Self.tool("/usr/sbin/usermod", ["--append", "--groups", groupName, name])
                done.append("added \(name) to group \(groupName), which may open \(kvmDevice)")
            }
        } else {
            done.append("\(kvmDevice) has no group of its own: qemu as \(name) uses TCG unless the device is made usable by it")
        }
        return done
    }

    private static func tool(_ executable: String, _ arguments: [String]) async throws {
        let result = try await ProcessRunner.run(executable, arguments, check: false)
        guard result.termination == .exited(0) else {
            throw SpinError(.actionFailed, "\(executable) \(arguments.joined(separator: " ")) failed: \(result.standardErrorText.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}
