/// The on-disk format of an image. JSON: `"raw"` or `"qcow2"`.
public enum ImageFormat: String, Sendable, Codable, CaseIterable, Hashable {
    /// A plain byte-for-byte disk image.
    case raw
    /// QEMU's copy-on-write format: sparse, grows as the guest writes.
    case qcow2
}
