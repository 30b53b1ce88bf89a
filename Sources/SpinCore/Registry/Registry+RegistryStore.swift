import Foundation
import SpinStore

/// The LMDB registry as a ``RegistryStore``. Its synchronous methods witness the async
/// requirements directly; the few whose shape differs get thin wrappers here, marked
/// `@_disfavoredOverload` so existing calls with a trailing closure keep choosing the
/// original (non-`Sendable`) method.
extension Registry: RegistryStore {
    /// ``updateVM(_:_:)`` with a labeled, escaping `change`, for ``RegistryStore``.
    @_disfavoredOverload
    @discardableResult
    public func updateVM(_ ref: String, change: @escaping @Sendable (inout VM) throws -> Void) throws -> VM {
        try updateVM(ref, { try change(&$0) })
    }

    /// ``updateImage(volume:name:_:)`` with a labeled, escaping `change`, for ``RegistryStore``.
    @_disfavoredOverload
    @discardableResult
    public func updateImage(volume: String, name: String, change: @escaping @Sendable (inout Image) throws -> Void) throws -> Image {
        try updateImage(volume: volume, name: name, { try change(&$0) })
    }

    /// ``reserveSnapshot(vm:name:memory:alongside:)`` with nothing alongside.
    @discardableResult
    public func reserveSnapshot(vm ref: String, name: String, memory: Bool) throws -> Snapshot {
        try reserveSnapshot(vm: ref, name: name, memory: memory) { _, _ in }.snapshot
    }

    /// ``updateSnapshot(vmID:name:_:)`` with a labeled, escaping `change`, for ``RegistryStore``.
    @_disfavoredOverload
    @discardableResult
    public func updateSnapshot(vmID: UInt64, name: String, change: @escaping @Sendable (inout Snapshot) throws -> Void) throws -> Snapshot {
        try updateSnapshot(vmID: vmID, name: name, { try change(&$0) })
    }
}
