import Foundation
import PostgresNIO
import SpinCore
import SpinModel

extension PostgresRegistry {
    /// Appends `attachment` to the storage of the VM named by `ref` (its row locked), creating
    /// `newImage` in the same transaction; see ``Registry/attachStorage(vm:_:newImage:)``.
    @discardableResult
    public func attachStorage(vm ref: String, _ attachment: StorageAttachment, newImage: ImageSpec?) async throws -> VM {
        try RegistryRules.checkNewImage(newImage, attaching: attachment)
        return try await write { c in
            let previous = try await Self.resolveVM(ref, lock: .update, c)
            var vm = previous
            vm.storage.append(attachment)
            vm.updatedAt = max(Date(), previous.updatedAt)
            return try await Self.save(vm, previous: previous, newImages: newImage.map { [$0] } ?? [], c)
        }
    }

    /// Removes the drive at `index` from the VM named by `ref`; a detached disk's image is
    /// freed but kept.
    @discardableResult
    public func detachStorage(vm ref: String, index: Int) async throws -> VM {
        try await write { c in
            let previous = try await Self.resolveVM(ref, lock: .update, c)
            try RegistryRules.checkDrive(index, of: previous)
            var vm = previous
            vm.storage.remove(at: index)
            vm.updatedAt = max(Date(), previous.updatedAt)
            return try await Self.save(vm, previous: previous, newImages: [], c)
        }
    }
}
