import Foundation

extension Spin {
    /// The `ssh` command line that logs in to VM `ref` (``SSHCommand``): its forward to guest
    /// port 22, the data root's key, the VM's own known-hosts file, and `user` (default: the
    /// VM's cloud-init user).
    /// - Throws: ``SpinError`` `.failedPrecondition` when the VM has no forward to port 22 or
    ///   the data root has no key pair yet, `.notFound` for an unknown VM.
    public func sshCommand(_ ref: String, user: String? = nil, command: [String] = []) async throws -> SSHCommand {
        let vm = try await registry.vm(ref)
        guard let forward = vm.sshForward else {
            throw SpinError(.failedPrecondition, "VM \(vm.id) (\(quoted(vm.name))) forwards no host port to its port 22; create VMs with --seed (or --from a base) to get one, or add one with spin vm update \(vm.id) -p 22:127.0.0.1:PORT")
        }
        let keys = SSHKeyPair(root: root)
        guard FileManager.default.fileExists(atPath: keys.privateKey) else {
            throw SpinError(.failedPrecondition, "the spin root has no SSH key pair (\(keys.privateKey)); it is made when a VM with a cloud-init seed is created")
        }
        // A forward on every address is reached on loopback.
        let host = forward.hostAddress == "0.0.0.0" ? "127.0.0.1" : forward.hostAddress.hasPrefix("::") && forward.hostAddress.count == 2 ? "::1" : forward.hostAddress
        return SSHCommand(
            user: user ?? vm.cloudInit?.userName ?? CloudInit.defaultUserName, port: forward.hostPort, identity: keys.privateKey,
            knownHosts: RuntimePaths(root: root, vmID: vm.id).knownHosts, host: host, command: command)
    }
}
