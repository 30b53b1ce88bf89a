import ArgumentParser
import SpinCore

/// `spin vm image …`: a VM's drives.
struct VMImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "List, attach and detach a VM's drives (disk images and CD-ROMs).",
        discussion: "Example: spin vm image list web",
        subcommands: [VMImageList.self, VMImageAttach.self, VMImageDetach.self]
    )
}

/// One drive of a VM as `spin vm image list` prints it.
struct DriveRow: Encodable {
    /// The drive's index (its position in the VM's storage).
    let index: Int
    /// `disk` or `cdrom`.
    let kind: String
    /// The host file: the image inside its volume, or the ISO.
    let path: String
    /// Whether it is a CD-ROM.
    let cdrom: Bool
    /// The volume of a disk.
    let volume: String?
    /// The image name of a disk.
    let image: String?

    /// The drives of `vm`, with disk paths resolved through the volumes.
    static func rows(_ vm: VM, _ backend: any SpinService) async throws -> [DriveRow] {
        let paths = Dictionary(try await backend.listVolumes().map { ($0.name, $0.path) }, uniquingKeysWith: { first, _ in first })
        return vm.storage.enumerated().map { index, attachment in
            switch attachment {
            case .disk(let volume, let image):
                let directory = paths[volume] ?? "<missing volume \(volume)>"
                return DriveRow(index: index, kind: "disk", path: directory + "/" + image, cdrom: false, volume: volume, image: image)
            case .cdrom(let path):
                return DriveRow(index: index, kind: "cdrom", path: path, cdrom: true, volume: nil, image: nil)
            }
        }
    }

    /// The INDEX PATH CDROM table.
    static func table(_ rows: [DriveRow]) -> String {
        Table(headers: ["index", "path", "cdrom"], rows: rows.map { [String($0.index), $0.path, $0.cdrom ? "yes" : "no"] }).render()
    }
}
