import SpinQemu

// The storage agent's actions. Parameters carry the volume's absolute directory, image file
// names and formats; the SDK facade fills them in from the registry. The agent acts only in
// volumes its ``StorageScope`` allows (registered ones, or a remote agent's allowed roots),
// checked right before it acts, and reads each image as the format its record gives (else the
// command's `format`), never one guessed from the content.
// Every action is idempotent: repeating a finished one succeeds without changing anything.

/// Creates a volume directory (mode 0700, with missing parents) if it is missing.
///
/// JSON: `{"volumePath":"/var/lib/spin/vol1"}`.
public enum AddVolumeAction: BrokerAction {
    public static let resource = "storage"
    public static let action = "add_volume"
    /// The volume to create.
    public struct Parameters: Codable, Sendable, Equatable {
        /// The volume's absolute, normalized directory.
        public var volumePath: String
        /// Creates parameters.
        public init(volumePath: String) { self.volumePath = volumePath }
    }
}

/// Removes an empty volume directory; refuses, listing them, while files remain.
///
/// JSON: `{"volumePath":"/var/lib/spin/vol1"}`.
public enum RemoveVolumeAction: BrokerAction {
    public static let resource = "storage"
    public static let action = "remove_volume"
    /// The volume to remove.
    public typealias Parameters = AddVolumeAction.Parameters
}

/// Creates an empty image of `sizeBytes` in `format` — or, with `backingImage`, a qcow2 overlay
/// on that base image of the same volume (its bare file name is written into the overlay, so
/// the path is relative to the overlay's directory, with the base's format).
///
/// JSON: `{"volumePath":"/var/lib/spin/vol1","image":"web.qcow2","sizeBytes":10737418240,"format":"qcow2"}`,
/// plus `"backingImage":"debian-12","backingFormat":"qcow2"` for an overlay.
public enum CreateImageAction: BrokerAction {
    public static let resource = "storage"
    public static let action = "create_image"
    /// The image to create.
    public struct Parameters: Codable, Sendable, Equatable {
        /// The volume's absolute, normalized directory.
        public var volumePath: String
        /// The image's file name inside the volume.
        public var image: String
        /// The virtual size the guest sees, in bytes.
        public var sizeBytes: UInt64
        /// `raw` or `qcow2`.
        public var format: QemuDisk.Format
        /// For an overlay: the base image's file name in the same volume.
        public var backingImage: String?
        /// For an overlay: the base's format, from its record. An agent with the registry reads
        /// the record instead; one without (a remote agent) needs it.
        public var backingFormat: QemuDisk.Format?
        /// Creates parameters.
        public init(volumePath: String, image: String, sizeBytes: UInt64, format: QemuDisk.Format,
                    backingImage: String? = nil, backingFormat: QemuDisk.Format? = nil) {
            self.volumePath = volumePath
            self.image = image
            self.sizeBytes = sizeBytes
            self.format = format
            self.backingImage = backingImage
            self.backingFormat = backingFormat
        }
    }
}

/// Deletes an image; succeeds when it is already gone.
///
/// JSON: `{"volumePath":"/var/lib/spin/vol1","image":"web.qcow2"}`.
public enum DeleteImageAction: BrokerAction {
    public static let resource = "storage"
    public static let action = "delete_image"
    /// The image to delete.
    public struct Parameters: Codable, Sendable, Equatable {
        /// The volume's absolute, normalized directory.
        public var volumePath: String
        /// The image's file name inside the volume.
        public var image: String
        /// Creates parameters.
        public init(volumePath: String, image: String) {
            self.volumePath = volumePath
            self.image = image
        }
    }
}

/// Copies an image, possibly into another volume and format, reporting progress.
///
/// JSON: `{"volumePath":"/a","image":"base.raw","format":"raw","targetVolumePath":"/b","targetImage":"web.qcow2",
/// "targetFormat":"qcow2","verify":true}` (`format` is the source's; `targetFormat` defaults to it;
/// `verify` also compares contents when the target already exists). An overlay is copied in full
/// (its base's data included) unless `keepBacking` is true: then the target, in the same volume,
/// is an overlay on the same base holding only what the source holds above it.
public enum CopyImageAction: BrokerAction {
    public static let resource = "storage"
    public static let action = "copy_image"
    /// The source and the target.
    public struct Parameters: Codable, Sendable, Equatable {
        /// The source volume's absolute, normalized directory.
        public var volumePath: String
        /// The source image's file name.
        public var image: String
        /// The source's format, from its record. An agent with the registry reads the record
        /// instead; one without (a remote agent) needs it, as it never lets qemu-img guess.
        public var format: QemuDisk.Format?
        /// The target volume's absolute, normalized directory (may equal `volumePath`).
        public var targetVolumePath: String
        /// The target image's file name.
        public var targetImage: String
        /// The target's format; nil keeps the source's.
        public var targetFormat: QemuDisk.Format?
        /// When the target already exists with the right size and format, also compare the
        /// contents (`qemu-img compare`) before calling the copy done.
        public var verify: Bool?
        /// When the source is an overlay, make the target an overlay on the same base instead
        /// of a full copy (the target must then be qcow2 in the same volume).
        public var keepBacking: Bool?
        /// Creates parameters.
        public init(volumePath: String, image: String, targetVolumePath: String, targetImage: String,
                    targetFormat: QemuDisk.Format? = nil, verify: Bool? = nil, format: QemuDisk.Format? = nil,
                    keepBacking: Bool? = nil) {
            self.volumePath = volumePath
            self.image = image
            self.format = format
            self.targetVolumePath = targetVolumePath
            self.targetImage = targetImage
            self.targetFormat = targetFormat
            self.verify = verify
            self.keepBacking = keepBacking
        }
    }
}

/// Grows an image to `sizeBytes`; shrinking (which loses data) needs `force`.
///
/// JSON: `{"volumePath":"/var/lib/spin/vol1","image":"web.qcow2","format":"qcow2","sizeBytes":21474836480,"force":false}`.
public enum ResizeImageAction: BrokerAction {
    public static let resource = "storage"
    public static let action = "resize_image"
    /// The image and its new size.
    public struct Parameters: Codable, Sendable, Equatable {
        /// The volume's absolute, normalized directory.
        public var volumePath: String
        /// The image's file name inside the volume.
        public var image: String
        /// The new virtual size, in bytes.
        public var sizeBytes: UInt64
        /// Allow shrinking, which discards everything past the new size.
        public var force: Bool?
        /// The image's format, from its record. An agent with the registry reads the record
        /// instead; one without (a remote agent) needs it, as it never lets qemu-img guess.
        public var format: QemuDisk.Format?
        /// Creates parameters.
        public init(volumePath: String, image: String, sizeBytes: UInt64, force: Bool? = nil, format: QemuDisk.Format? = nil) {
            self.volumePath = volumePath
            self.image = image
            self.format = format
            self.sizeBytes = sizeBytes
            self.force = force
        }
    }
}

/// Moves or renames an image: a rename on one filesystem, else a copy then a delete.
///
/// JSON: `{"volumePath":"/a","image":"web.qcow2","format":"qcow2","targetVolumePath":"/b","targetImage":"web.qcow2"}`.
public enum MoveImageAction: BrokerAction {
    public static let resource = "storage"
    public static let action = "move_image"
    /// The source and the target.
    public struct Parameters: Codable, Sendable, Equatable {
        /// The source volume's absolute, normalized directory.
        public var volumePath: String
        /// The source image's file name.
        public var image: String
        /// The target volume's absolute, normalized directory (may equal `volumePath`).
        public var targetVolumePath: String
        /// The target image's file name.
        public var targetImage: String
        /// The image's format, from its record. An agent with the registry reads the record
        /// instead; one without (a remote agent) needs it, as it never lets qemu-img guess.
        public var format: QemuDisk.Format?
        /// Creates parameters.
        public init(volumePath: String, image: String, targetVolumePath: String, targetImage: String, format: QemuDisk.Format? = nil) {
            self.volumePath = volumePath
            self.image = image
            self.format = format
            self.targetVolumePath = targetVolumePath
            self.targetImage = targetImage
        }
    }
}

/// Imports a host file into a volume as a new image: its bytes are copied (holes kept) into a
/// marked temporary, whose SHA-256 is checked when `sha256` is given, then the temporary is
/// read as `format` (which the facade found in the file's header) and must be standalone with
/// `sizeBytes` before it is renamed into place. Nothing stays behind when any check fails.
///
/// JSON: `{"sourcePath":"/srv/debian-12.qcow2","volumePath":"/var/lib/spin/vol1","image":"debian-12",
/// "format":"qcow2","sizeBytes":2147483648,"sha256":"…"}`.
public enum ImportImageAction: BrokerAction {
    public static let resource = "storage"
    public static let action = "import_image"
    /// The file and the image it becomes.
    public struct Parameters: Codable, Sendable, Equatable {
        /// The host file to import: absolute, links resolved (the facade resolves it).
        public var sourcePath: String
        /// The volume's absolute, normalized directory.
        public var volumePath: String
        /// The new image's file name inside the volume.
        public var image: String
        /// The file's format, read from its header once (`raw` or `qcow2`).
        public var format: QemuDisk.Format
        /// The size the guest sees, in bytes (a raw file's length rounded up to 512 bytes).
        public var sizeBytes: UInt64
        /// The SHA-256 of the file's bytes (64 hex digits), checked when given.
        public var sha256: String?
        /// Creates parameters.
        public init(sourcePath: String, volumePath: String, image: String, format: QemuDisk.Format, sizeBytes: UInt64, sha256: String? = nil) {
            self.sourcePath = sourcePath
            self.volumePath = volumePath
            self.image = image
            self.format = format
            self.sizeBytes = sizeBytes
            self.sha256 = sha256
        }
    }
}
