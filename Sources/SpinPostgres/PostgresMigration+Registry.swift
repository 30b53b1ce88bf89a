extension PostgresMigration {
    /// Version 2: the registry. Identity and every uniqueness rule are columns and constraints
    /// (so two API servers can never both win); the rest of an entity is its JSON in `body`.
    /// Names sort as bytes (`COLLATE "C"`), as in the LMDB registry.
    ///
    /// - `registry_vms`: id from a sequence (never reused), name UNIQUE
    /// - `registry_vm_ports`: UNIQUE (protocol, canonical host address, host port); a wildcard
    ///   address against a specific one is checked under a per-port advisory lock
    /// - `registry_volumes`: name PK, path UNIQUE
    /// - `registry_images`: PK (volume, name), FK to its volume, to its VM (`attached_to`, set
    ///   NULL when the VM goes) and to its base image in the same volume
    /// - `registry_snapshots`: PK (vm_id, name), deleted with their VM
    /// - `registry_networks`: name PK, bridge UNIQUE, subnets excluded from overlapping
    /// - `registry_network_addresses`: PK (network, address), FK to the network (a used network
    ///   cannot go) and to the VM (its addresses go with it)
    /// - `registry_settings`: one row, the salt of this database's MAC addresses
    static let registryTables = PostgresMigration(version: 2, name: "registry: VMs, ports, volumes, images, snapshots, networks, addresses", statements: [
        """
        CREATE TABLE registry_settings (
            singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
            mac_salt bigint NOT NULL
        )
        """,
        "INSERT INTO registry_settings (mac_salt) VALUES (('x' || substr(md5(gen_random_uuid()::text), 1, 16))::bit(64)::bigint)",
        """
        CREATE TABLE registry_vms (
            id bigserial PRIMARY KEY,
            name text COLLATE "C" NOT NULL CONSTRAINT registry_vms_name_unique UNIQUE,
            body jsonb NOT NULL
        )
        """,
        """
        CREATE TABLE registry_vm_ports (
            vm_id bigint NOT NULL REFERENCES registry_vms (id) ON DELETE CASCADE,
            protocol text NOT NULL CHECK (protocol IN ('tcp', 'udp')),
            host_address text NOT NULL,
            host_port integer NOT NULL CHECK (host_port BETWEEN 1 AND 65535),
            CONSTRAINT registry_vm_ports_unique UNIQUE (protocol, host_address, host_port)
        )
        """,
        "CREATE INDEX registry_vm_ports_vm ON registry_vm_ports (vm_id)",
        """
        CREATE TABLE registry_volumes (
            name text COLLATE "C" PRIMARY KEY,
            path text COLLATE "C" NOT NULL CONSTRAINT registry_volumes_path_unique UNIQUE,
            body jsonb NOT NULL
        )
        """,
        """
        CREATE TABLE registry_images (
            volume text COLLATE "C" NOT NULL REFERENCES registry_volumes (name),
            name text COLLATE "C" NOT NULL,
            attached_to bigint REFERENCES registry_vms (id) ON DELETE SET NULL,
            base boolean NOT NULL DEFAULT false,
            backing_image text COLLATE "C",
            body jsonb NOT NULL,
            PRIMARY KEY (volume, name),
            CONSTRAINT registry_images_backing FOREIGN KEY (volume, backing_image) REFERENCES registry_images (volume, name),
            CHECK (NOT (base AND attached_to IS NOT NULL))
        )
        """,
        "CREATE INDEX registry_images_attached_to ON registry_images (attached_to) WHERE attached_to IS NOT NULL",
        "CREATE INDEX registry_images_backing_index ON registry_images (volume, backing_image) WHERE backing_image IS NOT NULL",
        """
        CREATE TABLE registry_snapshots (
            vm_id bigint NOT NULL REFERENCES registry_vms (id) ON DELETE CASCADE,
            name text COLLATE "C" NOT NULL,
            body jsonb NOT NULL,
            PRIMARY KEY (vm_id, name)
        )
        """,
        """
        CREATE TABLE registry_networks (
            name text COLLATE "C" PRIMARY KEY,
            bridge text NOT NULL CONSTRAINT registry_networks_bridge_unique UNIQUE,
            subnet cidr NOT NULL,
            body jsonb NOT NULL,
            CONSTRAINT registry_networks_subnet_disjoint EXCLUDE USING gist (subnet inet_ops WITH &&)
        )
        """,
        """
        CREATE TABLE registry_network_addresses (
            network text COLLATE "C" NOT NULL REFERENCES registry_networks (name),
            address bigint NOT NULL CHECK (address BETWEEN 0 AND 4294967295),
            vm_id bigint NOT NULL REFERENCES registry_vms (id) ON DELETE CASCADE,
            PRIMARY KEY (network, address)
        )
        """,
        "CREATE INDEX registry_network_addresses_vm ON registry_network_addresses (vm_id)",
    ])
}
