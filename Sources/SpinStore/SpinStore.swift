/// SpinStore: a small, safe Swift API over LMDB.
public enum SpinStoreModule {}
