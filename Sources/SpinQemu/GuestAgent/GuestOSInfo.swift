/// The reply of `guest-get-osinfo` (from the guest's `uname` and `/etc/os-release`); every
/// field is optional, as the agent leaves out what it cannot find.
public struct GuestOSInfo: Sendable, Equatable, Decodable {
    /// `uname -r`, e.g. `"6.1.0-28-cloud-amd64"`.
    public var kernelRelease: String?
    /// `uname -v`.
    public var kernelVersion: String?
    /// `uname -m`, e.g. `"x86_64"`.
    public var machine: String?
    /// os-release `ID`, e.g. `"debian"`.
    public var id: String?
    /// os-release `NAME`.
    public var name: String?
    /// os-release `PRETTY_NAME`, e.g. `"Debian GNU/Linux 12 (bookworm)"`.
    public var prettyName: String?
    /// os-release `VERSION`.
    public var version: String?
    /// os-release `VERSION_ID`, e.g. `"12"`.
    public var versionID: String?
    /// os-release `VARIANT`.
    public var variant: String?
    /// os-release `VARIANT_ID`.
    public var variantID: String?

    enum CodingKeys: String, CodingKey {
        case kernelRelease = "kernel-release", kernelVersion = "kernel-version", machine, id, name
        case prettyName = "pretty-name", version, versionID = "version-id", variant, variantID = "variant-id"
    }
}
