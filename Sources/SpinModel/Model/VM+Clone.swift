/// What a clone keeps of its source.
extension VM {
    /// The spec of a clone of this VM named `name`, on the drives `storage` with the new
    /// images `newImages`: its CPUs, memory, kernel, labels, stop timeout, accelerator and
    /// autostart are copied; what identifies this VM on the host and the network is not —
    /// its port forwards (their host ports are this VM's) and its MAC address (the registry
    /// gives the clone its own, from its new id).
    ///
    /// Hook for per-VM identities added later (the cloud-init instance id of issue 14): leave
    /// them out here, or give new ones, so the clone boots as a new machine.
    public func cloneSpec(name: String, storage: [StorageAttachment], newImages: [ImageSpec]) -> VMSpec {
        VMSpec(
            name: name, cpus: cpus, memoryMiB: memoryMiB, ports: [], storage: storage, kernel: kernel, labels: labels,
            stopTimeoutSeconds: stopTimeoutSeconds, accelerator: accelerator, autostart: autostart, newImages: newImages)
    }

    /// The name of a clone's copy of the image `image`: this VM's name at its start replaced by
    /// `name` (`web.qcow2` → `web2.qcow2`), else `name-` put before it.
    public func cloneImageName(_ image: String, for name: String) -> String {
        let candidate = image.hasPrefix(self.name) ? name + image.dropFirst(self.name.count) : name + "-" + image
        return String(candidate)
    }
}
