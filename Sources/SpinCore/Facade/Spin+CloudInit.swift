import Foundation

extension Spin {
    /// `spec` with what spin adds to cloud-init settings: an instance id when none is given,
    /// and the data root's SSH public key (made at first use) among the authorized keys.
    func withCloudInitDefaults(_ spec: VMSpec) async throws -> VMSpec {
        guard var settings = spec.cloudInit else { return spec }
        if settings.instanceID == nil { settings.instanceID = CloudInit.newInstanceID() }
        let key = try await SSHKeyPair(root: root).ensure()
        if !settings.authorizedKeys.contains(key) { settings.authorizedKeys.insert(key, at: 0) }
        var result = spec
        result.cloudInit = settings
        return result
    }

    /// Runs `create` with `spec`, first given a forward from a free 127.0.0.1 port to guest
    /// port 22 when it has cloud-init settings and no such forward; when another VM took that
    /// port meanwhile (the registry's conflict), picks again, up to three times.
    func withSSHPort<R>(_ spec: VMSpec, _ create: (VMSpec) async throws -> R) async throws -> R {
        guard spec.cloudInit != nil, !spec.ports.contains(where: { $0.protocol == .tcp && $0.guestPort == 22 }) else {
            return try await create(spec)
        }
        var attempt = 0
        while true {
            attempt += 1
            let taken = Set(try await registry.listVMs().flatMap(\.ports).filter { $0.protocol == .tcp }.map(\.hostPort))
            var withPort = spec
            withPort.ports.append(PortForward(guestPort: 22, hostAddress: SSHPortPicker.address, hostPort: try SSHPortPicker().pick(excluding: taken)))
            do {
                return try await create(withPort)
            } catch let error as SpinError where error.code == .conflict && attempt < 3 && error.message.hasPrefix("ports[\(spec.ports.count)]") {
                continue
            }
        }
    }
}
