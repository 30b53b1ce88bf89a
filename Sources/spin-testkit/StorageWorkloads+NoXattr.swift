import Foundation
import SpinCore

extension StorageWorkloads {
    /// `storage-create-on-ramfs DIR`: mounts a ramfs (a filesystem without user extended
    /// attributes) on DIR — run it in a private mount namespace (`unshare --mount
    /// --propagation private`), so the mount goes with the process — and asks a
    /// ``StorageAgent`` to create `x.raw` there. Prints `created`, or `failed CODE MESSAGE`,
    /// then `left N` with the number of entries left in DIR.
    static func createOnRamfs(_ arguments: [String]) async throws {
        guard arguments.count == 2 else { fail("usage: storage-create-on-ramfs DIR") }
        let directory = arguments[1]
        guard mount("none", directory, "ramfs", 0, nil) == 0 else {
            fail("cannot mount a ramfs on \(directory): \(String(cString: strerror(errno)))")
        }
        do {
            try await StorageAgent(scope: AllowedRoots([directory])).createImage(.init(volumePath: directory, image: "x.raw", sizeBytes: 1 << 20, format: .raw))
            emit("created")
        } catch let error as SpinError {
            emit("failed \(error.code.name) \(error.message)")
        }
        emit("left \((try? FileManager.default.contentsOfDirectory(atPath: directory).count) ?? -1)")
    }
}
