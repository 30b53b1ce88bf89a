import Foundation

extension Spin {
    /// Part of a VM's serial log (`vms/<id>/serial.log`, appended across runs): up to
    /// `maxBytes` bytes starting at byte `offset`. Fewer bytes than asked means the end was
    /// reached; to follow the log, ask again from `offset + bytes.count`.
    /// - Throws: ``SpinError`` `.notFound` for an unknown VM or a VM that never ran (no log
    ///   yet); `.invalidArgument` for `maxBytes` outside 1…``ServiceLimits/serialLogChunk``.
    public func serialLog(_ ref: String, from offset: UInt64 = 0, maxBytes: Int = ServiceLimits.serialLogChunk) async throws -> Data {
        try ServiceLimits.checkSerialLogChunk(maxBytes)
        let vm = try await vm(ref)
        let path = RuntimePaths(root: root, vmID: vm.id).serialLog
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SpinError(.notFound, "VM \(vm.name) has no serial log yet (it has not run); start it with spin start \(vm.name)")
        }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        guard offset < size else { return Data() }
        try handle.seek(toOffset: offset)
        return try handle.read(upToCount: maxBytes) ?? Data()
    }
}
