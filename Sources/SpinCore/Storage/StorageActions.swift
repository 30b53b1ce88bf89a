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

/// Creates an empty image of `sizeBytes` in `format`.
///
/// JSON: `{"volumePath":"/var/lib/spin/vol1","image":"web.qcow2","sizeBytes":10737418240,"format":"qcow2"}`.
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
        /// Creates parameters.
        public init(volumePath: String, image: String, sizeBytes: UInt64, format: QemuDisk.Format) {
            self.volumePath = volumePath
            self.image = image
            self.sizeBytes = sizeBytes
            self.format = format
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
/// `verify` also compares contents when the target already exists).
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
        /// Creates parameters.
        public init(volumePath: String, image: String, targetVolumePath: String, targetImage: String,
                    targetFormat: QemuDisk.Format? = nil, verify: Bool? = nil, format: QemuDisk.Format? = nil) {
            self.volumePath = volumePath
            self.image = image
            self.format = format
            self.targetVolumePath = targetVolumePath
            self.targetImage = targetImage
            self.targetFormat = targetFormat
            self.verify = verify
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
