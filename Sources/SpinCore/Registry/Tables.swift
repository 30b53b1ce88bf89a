import SpinStore

/// The registry's named databases, opened once per transaction.
struct Tables {
    static let vms = "vms"
    static let vmNames = "vm.names"
    static let vmPorts = "vm.ports"
    static let volumes = "volumes"
    static let volumePaths = "volume.paths"
    static let images = "images"
    static let snapshots = "vm.snapshots"
    static let networks = "networks"
    static let networkBridges = "network.bridges"
    static let networkAddresses = "network.addresses"

    let vms: Database
    let vmNames: Database
    let vmPorts: Database
    let volumes: Database
    let volumePaths: Database
    let images: Database
    /// nil in a read transaction on a store prepared before snapshots existed.
    let snapshots: Database?
    /// The network tables; nil only in a read of a store made before networks existed.
    let network: NetworkTables?

    /// Opens (creating when missing) every database.
    init(_ txn: WriteTransaction) throws {
        vms = try txn.createDatabase(named: Self.vms)
        vmNames = try txn.createDatabase(named: Self.vmNames)
        vmPorts = try txn.createDatabase(named: Self.vmPorts)
        volumes = try txn.createDatabase(named: Self.volumes)
        volumePaths = try txn.createDatabase(named: Self.volumePaths)
        images = try txn.createDatabase(named: Self.images)
        snapshots = try txn.createDatabase(named: Self.snapshots)
        network = try NetworkTables(txn)
    }

    /// Opens every database; nil when one is missing (a store the registry never prepared).
    init?(_ txn: ReadTransaction) throws {
        guard let vms = try txn.database(named: Self.vms),
            let vmNames = try txn.database(named: Self.vmNames),
            let vmPorts = try txn.database(named: Self.vmPorts),
            let volumes = try txn.database(named: Self.volumes),
            let volumePaths = try txn.database(named: Self.volumePaths),
            let images = try txn.database(named: Self.images)
        else { return nil }
        self.vms = vms
        self.vmNames = vmNames
        self.vmPorts = vmPorts
        self.volumes = volumes
        self.volumePaths = volumePaths
        self.images = images
        self.snapshots = try txn.database(named: Self.snapshots)
        // Optional: a store made before networks existed still reads (it has none).
        self.network = try NetworkTables(txn)
    }

    /// The key of an image: its volume, a NUL byte, its name.
    static func imageKey(volume: String, name: String) -> [UInt8] {
        Array(volume.utf8) + [0] + Array(name.utf8)
    }

    /// The key prefix of every image of `volume`.
    static func imagePrefix(volume: String) -> [UInt8] { Array(volume.utf8) + [0] }

    /// The key of a snapshot: its VM's id (8 bytes, big-endian), then its name.
    static func snapshotKey(vmID: UInt64, name: String) -> [UInt8] {
        snapshotPrefix(vmID: vmID) + Array(name.utf8)
    }

    /// The key prefix of every snapshot of VM `vmID`.
    static func snapshotPrefix(vmID: UInt64) -> [UInt8] { vmID.storeKeyBytes }

    /// The key of a reserved address: the network's name, a NUL byte, the address big-endian.
    static func addressKey(network: String, address: UInt32) -> [UInt8] {
        addressPrefix(network: network) + withUnsafeBytes(of: address.bigEndian) { Array($0) }
    }

    /// The key of VM `vmID`'s NIC on an external network, which reserves no address: the
    /// network's name, a NUL byte, the VM id big-endian (8 bytes, never an address's 4).
    static func attachmentKey(network: String, vmID: UInt64) -> [UInt8] {
        addressPrefix(network: network) + withUnsafeBytes(of: vmID.bigEndian) { Array($0) }
    }

    /// The key prefix of every reserved address of `network`.
    static func addressPrefix(network: String) -> [UInt8] { Array(network.utf8) + [0] }

    /// The key prefix of every forward of `protocol` on host port `port`.
    static func portPrefix(_ proto: PortProtocol, _ port: Int) -> String { "\(proto.rawValue)/\(port)/" }
}
