import CLMDB

/// A named database inside a ``Store`` (LMDB's answer to a bbolt bucket). Obtain one from
/// ``ReadTransaction/database(named:)`` or ``WriteTransaction/createDatabase(named:)``; once
/// the transaction that opened it has ended it stays valid for the life of the store.
public struct Database: Sendable, Hashable, CustomStringConvertible {
    /// The database's name.
    public let name: String
    let handle: MDB_dbi

    public var description: String { name }
}
