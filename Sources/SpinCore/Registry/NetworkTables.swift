import SpinStore

/// The registry's network databases. Separate from ``Tables``' required ones: a read of a
/// store made before networks existed finds none of them and sees no networks (and, above
/// all, still sees its VMs and volumes).
struct NetworkTables {
    let networks: Database
    let bridges: Database
    let addresses: Database

    /// Opens (creating when missing) the network databases.
    init(_ txn: WriteTransaction) throws {
        networks = try txn.createDatabase(named: Tables.networks)
        bridges = try txn.createDatabase(named: Tables.networkBridges)
        addresses = try txn.createDatabase(named: Tables.networkAddresses)
    }

    /// Opens the network databases; nil when the store has none yet.
    init?(_ txn: ReadTransaction) throws {
        guard let networks = try txn.database(named: Tables.networks),
            let bridges = try txn.database(named: Tables.networkBridges),
            let addresses = try txn.database(named: Tables.networkAddresses)
        else { return nil }
        self.networks = networks
        self.bridges = bridges
        self.addresses = addresses
    }
}
