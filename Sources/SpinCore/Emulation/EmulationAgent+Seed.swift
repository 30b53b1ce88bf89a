import Foundation

extension EmulationAgent {
    /// Makes `vm`'s cloud-init seed (`vms/<id>/seed.iso`) match its settings: written when
    /// they changed (the same settings give the same bytes, and an unchanged image is not
    /// touched), removed when the VM has none. Runs after the supervisor's config, which made
    /// the VM's directory.
    /// - Returns: whether the image changed.
    func writeSeed(for vm: VM) async throws -> Bool {
        let path = paths(vm.id).seedImage
        guard let settings = vm.cloudInit else {
            // Only spin writes in the VM's own directory: a seed there is one it made.
            return (try? FileManager.default.removeItem(atPath: path)) != nil
        }
        let seed = try Self.seed(for: vm, settings)
        return try await CloudInitSeedWriter().write(seed, to: path) == .written
    }

    /// The seed of `vm`: its instance id (`spin-<id>` for a record without one), its host name
    /// (``VM/hostname``), user, keys and own user-data.
    static func seed(for vm: VM, _ settings: CloudInit) throws -> CloudInitSeed {
        try CloudInitSeed(
            instanceID: settings.instanceID ?? "spin-\(vm.id)", hostname: vm.hostname, userName: settings.userName,
            authorizedKeys: settings.authorizedKeys, userData: settings.userData,
            mounts: vm.mounts.enumerated().map { .init(tag: SharedFolder.tag(index: $0.offset), path: $0.element.guestPath, readOnly: $0.element.readOnly) })
    }
}
