import Foundation
import SpinModel

extension Components.Schemas.PortForward {
    /// The wire form of a forward.
    public init(_ port: PortForward) {
        self.init(_protocol: port.protocol == .udp ? .udp : .tcp, guestPort: port.guestPort, hostAddress: port.hostAddress, hostPort: port.hostPort)
    }

    /// The SDK's forward (TCP when the protocol is absent).
    public func model() throws -> PortForward {
        PortForward(protocol: _protocol == .udp ? .udp : .tcp, guestPort: guestPort, hostAddress: hostAddress, hostPort: hostPort)
    }
}

extension Components.Schemas.StorageAttachment {
    /// The wire form of a drive.
    public init(_ attachment: StorageAttachment) {
        switch attachment {
        case .disk(let volume, let image): self.init(kind: .disk, volume: volume, image: image)
        case .cdrom(let path): self.init(kind: .cdrom, path: path)
        }
    }

    /// The SDK's drive.
    /// - Throws: ``SpinError`` `.invalidArgument` when the keys of its kind are missing.
    public func model() throws -> StorageAttachment {
        switch kind {
        case .disk:
            guard let volume, let image else {
                throw SpinError(.invalidArgument, "a disk needs \"volume\" and \"image\": {\"kind\":\"disk\",\"volume\":\"vol1\",\"image\":\"web.qcow2\"}")
            }
            return .disk(volume: volume, image: image)
        case .cdrom:
            guard let path else {
                throw SpinError(.invalidArgument, "a cdrom needs \"path\": {\"kind\":\"cdrom\",\"path\":\"/srv/iso/debian.iso\"}")
            }
            return .cdrom(path: path)
        }
    }
}

extension Components.Schemas.DirectBoot {
    /// The wire form of direct kernel boot.
    public init(_ boot: DirectBoot) { self.init(kernel: boot.kernel, initrd: boot.initrd, append: boot.append) }
    /// The SDK's direct kernel boot.
    public func model() -> DirectBoot { DirectBoot(kernel: kernel, initrd: initrd, append: append) }
}

extension Components.Schemas.VolumeDeletion {
    /// The wire form of a volume deletion's report.
    public init(_ deletion: VolumeDeletion) {
        self.init(name: deletion.name, path: deletion.path, directoryRemoved: deletion.directoryRemoved, note: deletion.note)
    }
    /// The model report.
    public func model() -> VolumeDeletion {
        VolumeDeletion(name: name, path: path, directoryRemoved: directoryRemoved, note: note)
    }
}

extension Components.Schemas.Volume {
    /// The wire form of a volume.
    public init(_ volume: Volume) { self.init(name: volume.name, path: volume.path, createdAt: volume.createdAt) }
    /// The SDK's volume.
    public func model() -> Volume { Volume(name: name, path: path, createdAt: createdAt) }
}

extension Components.Schemas.Image {
    /// The wire form of an image.
    public init(_ image: Image) {
        self.init(
            volume: image.volume, name: image.name, sizeBytes: Convert.signed(image.sizeBytes),
            format: image.format == .raw ? .raw : .qcow2, attachedTo: image.attachedTo.map(Convert.signed), createdAt: image.createdAt,
            base: image.base ? true : nil, backingImage: image.backingImage)
    }

    /// The SDK's image.
    public func model() throws -> Image {
        Image(
            volume: volume, name: name, sizeBytes: try Convert.unsigned(sizeBytes, field: "sizeBytes"),
            format: format == .raw ? .raw : .qcow2, attachedTo: try attachedTo.map { try Convert.unsigned($0, field: "attachedTo") },
            createdAt: createdAt, base: base ?? false, backingImage: backingImage)
    }
}

extension Components.Schemas.ImageSpec {
    /// The wire form of an image spec.
    public init(_ spec: ImageSpec) {
        self.init(
            volume: spec.volume, name: spec.name, sizeBytes: Convert.signed(spec.sizeBytes), format: spec.format == .raw ? .raw : .qcow2,
            backingImage: spec.backingImage)
    }

    /// The SDK's image spec (qcow2 when the format is absent).
    public func model() throws -> ImageSpec {
        ImageSpec(
            volume: volume, name: name, sizeBytes: try Convert.unsigned(sizeBytes, field: "sizeBytes"), format: ImageFormat.from(format),
            backingImage: backingImage)
    }
}

extension ImageFormat {
    /// The SDK's format for a wire format; qcow2 when absent.
    public static func from(_ format: Components.Schemas.ImageFormat?) -> ImageFormat { format == .raw ? .raw : .qcow2 }
}
