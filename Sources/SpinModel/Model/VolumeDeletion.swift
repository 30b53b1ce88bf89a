/// What deleting a volume did to its directory.
///
/// JSON: `{"name":"vol1","path":"/var/lib/spin/vol1","directoryRemoved":false,"note":"…"}`;
/// `note` is present only when the directory stayed.
public struct VolumeDeletion: Sendable, Codable, Equatable {
    /// The volume's name.
    public var name: String
    /// Its directory.
    public var path: String
    /// Whether the directory was removed. It stays when it holds files spin did not make
    /// (spin never deletes those) or cannot be removed for another reason.
    public var directoryRemoved: Bool
    /// Why the directory stayed, naming what is left in it; nil when it was removed.
    public var note: String?

    /// Creates a report.
    public init(name: String, path: String, directoryRemoved: Bool, note: String? = nil) {
        self.name = name
        self.path = path
        self.directoryRemoved = directoryRemoved
        self.note = note
    }
}
