/// How a ``Store`` opens its LMDB environment.
public struct StoreOptions: Sendable, Equatable {
    /// The map size to start with, in bytes. The store grows it automatically when full.
    public var initialMapSize: Int
    /// The most named databases the environment may hold.
    public var maxDatabases: Int
    /// The most concurrent read transactions across all processes.
    public var maxReaders: Int
    /// Whether every commit is flushed to disk before `write` returns (LMDB without
    /// `MDB_NOSYNC`). Turn off only for scratch data.
    public var durable: Bool
    /// The file mode of `data.mdb` and `lock.mdb`.
    public var fileMode: UInt32
    /// For scratch state that may be lost on a host crash (never on a process crash): commits
    /// write through a shared memory map and never wait for the disk
    /// (`MDB_WRITEMAP | MDB_MAPASYNC | MDB_NOSYNC`). Implies not `durable`. A host crash can
    /// leave such a store unreadable; open it with a fallback that recreates it.
    public var ephemeral: Bool
    /// Opens an existing environment for reading only (`MDB_RDONLY`): nothing is created,
    /// no write transaction is ever begun (``Store/write(_:)`` throws), and the store still
    /// sees every commit other processes make. For commands that only look.
    public var readOnly: Bool

    /// Creates options; every parameter has a sensible default.
    public init(
        initialMapSize: Int = 64 << 20,
        maxDatabases: Int = 128,
        maxReaders: Int = 256,
        durable: Bool = true,
        fileMode: UInt32 = 0o600,
        ephemeral: Bool = false,
        readOnly: Bool = false
    ) {
        self.readOnly = readOnly
        self.initialMapSize = initialMapSize
        self.maxDatabases = maxDatabases
        self.maxReaders = maxReaders
        self.durable = durable
        self.fileMode = fileMode
        self.ephemeral = ephemeral
    }

    /// 64 MiB to start, 128 named databases, durable commits, files readable by the owner only.
    public static let `default` = StoreOptions()

    /// Reading an existing store only: the defaults with ``readOnly``.
    public static let readOnly = StoreOptions(readOnly: true)
}
