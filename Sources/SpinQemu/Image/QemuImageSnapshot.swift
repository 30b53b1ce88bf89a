/// One internal snapshot of a qcow2 image, as `qemu-img info --output=json` and QMP
/// `query-block` (`inserted.image.snapshots`) describe it.
public struct QemuImageSnapshot: Sendable, Equatable, Decodable {
    /// qemu's numeric id of the snapshot in this image.
    public var id: String
    /// The snapshot's name (its tag).
    public var name: String
    /// Bytes of guest memory and device state stored with it (0: disk only).
    public var vmStateSize: UInt64
    /// When it was taken, seconds since the epoch.
    public var dateSeconds: Int64

    /// Creates a description.
    public init(id: String, name: String, vmStateSize: UInt64 = 0, dateSeconds: Int64 = 0) {
        self.id = id
        self.name = name
        self.vmStateSize = vmStateSize
        self.dateSeconds = dateSeconds
    }

    enum CodingKeys: String, CodingKey {
        case id, name, vmStateSize = "vm-state-size", dateSeconds = "date-sec"
    }
}
