import Foundation
import SpinStore

extension Registry {
    /// Appends `attachment` to the storage of the VM named by `vm`, creating `newImage` in the
    /// same transaction when given (it must describe the same disk).
    /// - Returns: the updated VM; the new drive's index is `storage.count - 1`.
    /// - Throws: ``SpinError`` `invalidArgument`, `conflict` (image attached elsewhere or
    ///   already existing) or `notFound`; the store is then unchanged.
    @discardableResult
    public func attachStorage(vm ref: String, _ attachment: StorageAttachment, newImage: ImageSpec? = nil) throws -> VM {
        try RegistryRules.checkNewImage(newImage, attaching: attachment)
        return try writing { txn, t in
            let previous = try Self.resolveVM(ref, txn, t)
            var vm = previous
            vm.storage.append(attachment)
            vm.updatedAt = max(Date(), previous.updatedAt)
            try Self.save(vm, previous: previous, newImages: newImage.map { [$0] } ?? [], txn, t)
            return vm
        }
    }

    /// Removes the drive at `index` from the VM named by `vm`; later drives move up one.
    /// A detached disk's image is freed but kept.
    /// - Returns: the updated VM.
    /// - Throws: ``SpinError`` `notFound` for an unknown VM or index.
    @discardableResult
    public func detachStorage(vm ref: String, index: Int) throws -> VM {
        try writing { txn, t in
            let previous = try Self.resolveVM(ref, txn, t)
            try RegistryRules.checkDrive(index, of: previous)
            var vm = previous
            vm.storage.remove(at: index)
            vm.updatedAt = max(Date(), previous.updatedAt)
            try Self.save(vm, previous: previous, newImages: [], txn, t)
            return vm
        }
    }
}
