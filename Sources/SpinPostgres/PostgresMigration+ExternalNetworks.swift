extension PostgresMigration {
    /// Version 4: external networks (the operator's bridge, which spin only attaches NICs to).
    /// - `registry_networks.subnet` may be NULL (an external network has none; the disjoint
    ///   exclusion ignores NULLs);
    /// - `registry_network_attachments`: a VM's NIC on an external network, which reserves no
    ///   address: PK (network, vm_id), FK to the network (a used network cannot be deleted)
    ///   and to the VM (ON DELETE CASCADE), like `registry_network_addresses`.
    static let externalNetworks = PostgresMigration(version: 4, name: "registry: external networks (no subnet) and their NIC attachments", statements: [
        "ALTER TABLE registry_networks ALTER COLUMN subnet DROP NOT NULL",
        """
        CREATE TABLE registry_network_attachments (
            network text COLLATE "C" NOT NULL REFERENCES registry_networks (name),
            vm_id bigint NOT NULL REFERENCES registry_vms (id) ON DELETE CASCADE,
            PRIMARY KEY (network, vm_id)
        )
        """,
        "CREATE INDEX registry_network_attachments_vm ON registry_network_attachments (vm_id)",
    ])
}
