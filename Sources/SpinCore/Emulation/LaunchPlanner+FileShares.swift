import Foundation
import SpinQemu

extension LaunchPlanner {
    /// The virtiofsd daemon of each of `vm`'s shared folders, socket `fs<N>.sock` in its
    /// runtime directory; the socket's group is the qemu user's when qemu runs as another user.
    /// - Throws: ``SpinError`` `.failedPrecondition` when a host directory is missing or not a
    ///   directory, when virtiofsd is not installed, or when spin is not root (the daemon's
    ///   namespace sandbox needs it); `.invalidArgument` for a path virtiofsd would misread.
    func fileShareDaemons(for vm: VM, paths: RuntimePaths, qemuUser: QemuUser?) throws -> [QemuVirtiofsd] {
        guard !vm.mounts.isEmpty else { return [] }
        let executable = QemuVirtiofsd.defaultPath
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw SpinError(.failedPrecondition, "VM \(vm.name) shares host folders, which needs \(executable); install Debian's qemu-system-common (apt-get install qemu-system-common)")
        }
        guard geteuid() == 0 else {
            throw SpinError(.failedPrecondition, "VM \(vm.name) shares host folders, and virtiofsd's sandbox needs root; run spin (or spin-server) as root, or create the VM without --mount")
        }
        let group = try qemuUser.map { try Self.groupName($0.gid) }
        return try vm.mounts.enumerated().map { index, mount in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: mount.hostPath, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw SpinError(.failedPrecondition, "VM \(vm.name) shares \(mount.hostPath), which is not a directory on this host; create it, or change the VM's mounts")
            }
            guard QemuVirtiofsd.isServable(mount.hostPath) else {
                throw SpinError(.invalidArgument, "shared folder \(mount.hostPath) has a comma or backslash, which virtiofsd's options cannot carry; share a directory without them")
            }
            return QemuVirtiofsd(executable: executable, socketPath: paths.fileShareSocket(index), sourceDirectory: mount.hostPath, socketGroup: group)
        }
    }

    /// The name of group `gid` (virtiofsd takes a name for its socket's group).
    static func groupName(_ gid: UInt32) throws -> String {
        var group = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrgid_r(gid, &group, &buffer, buffer.count, &result) == 0, result != nil, let name = group.gr_name else {
            throw SpinError(.failedPrecondition, "group \(gid) of the qemu user has no name in the group database; give it one (groupadd)")
        }
        return String(cString: name)
    }
}
