/// What a clone keeps of its source.
extension VM {
    /// The spec of a clone of this VM named `name`, on the drives `storage` with the new
    /// images `newImages`: its CPUs, memory, kernel, labels, stop timeout, accelerator and
    /// autostart are copied, and its cloud-init settings with a new instance id
    /// (``withNewInstanceID()``), so the clone boots as a new machine with its own host name;
    /// what identifies this VM on the host and the network is not — its port forwards (their
    /// host ports are this VM's; a cloud-init clone gets its own SSH forward) and its MAC
    /// address (the registry gives the clone its own, from its new id); it joins the same managed
    /// networks with its own MAC and reserved addresses.
    public func cloneSpec(name: String, storage: [StorageAttachment], newImages: [ImageSpec]) -> VMSpec {
        VMSpec(
            name: name, cpus: cpus, memoryMiB: memoryMiB, ports: [], storage: storage, kernel: kernel, labels: labels,
            stopTimeoutSeconds: stopTimeoutSeconds, accelerator: accelerator, autostart: autostart,
            cloudInit: withNewInstanceID().cloudInit, mounts: mounts, firmware: firmware, newImages: newImages,
            networks: networks.map { NetworkAttachment(network: $0.network) })
    }

    /// The name of a clone's copy of the image `image`: this VM's name at its start replaced by
    /// `name` (`web.qcow2` → `web2.qcow2`), else `name-` put before it.
    public func cloneImageName(_ image: String, for name: String) -> String {
        let candidate = image.hasPrefix(self.name) ? name + image.dropFirst(self.name.count) : name + "-" + image
        return String(candidate)
    }
}
