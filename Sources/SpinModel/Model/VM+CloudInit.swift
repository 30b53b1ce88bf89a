extension VM {
    /// The guest's host name for cloud-init (`local-hostname`): the VM's name with `_` as `-`
    /// and no `-` at either end (a host name label allows neither), else `vm-<id>`.
    public var hostname: String {
        var label = String(name.map { $0 == "_" ? "-" : $0 })
        while label.hasPrefix("-") { label.removeFirst() }
        while label.hasSuffix("-") { label.removeLast() }
        return label.isEmpty ? "vm-\(id)" : label
    }

    /// The forward to the guest's SSH port: the first TCP forward to guest port 22.
    public var sshForward: PortForward? {
        ports.first { $0.protocol == .tcp && $0.guestPort == 22 }
    }

    /// This VM with a new cloud-init instance id (for a clone: cloud-init then runs its
    /// per-instance steps — host name, users, keys — again at the next boot). A VM without
    /// cloud-init settings is returned as it is.
    public func withNewInstanceID() -> VM {
        var copy = self
        copy.cloudInit?.instanceID = CloudInit.newInstanceID()
        return copy
    }
}
