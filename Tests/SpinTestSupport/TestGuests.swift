import Foundation

/// The guests built by `scripts/build-test-guests`: a Debian cloud kernel, a busybox
/// initramfs (httpd on port 80, acpid, `SPIN-GUEST-READY` on ttyS0) and an ISO of both.
public struct TestGuests: Sendable {
    /// The directory holding them.
    public let directory: String

    /// The line the guest prints on its serial console once its web server runs.
    public static let readyMarker = "SPIN-GUEST-READY"
    /// The kernel command line for direct boot.
    public static let append = "console=ttyS0 panic=-1 quiet"
    /// The command line of a guest that ignores ACPI power-off.
    public static let appendIgnoringACPI = append + " spin.noacpi=1"

    /// The kernel.
    public var kernel: String { directory + "/vmlinuz" }
    /// The initramfs.
    public var initrd: String { directory + "/initrd.img" }
    /// The bootable ISO.
    public var iso: String { directory + "/guest.iso" }

    /// Finds the guests (`$SPIN_GUEST_DIR`, else `/var/tmp/spin-test-guests`).
    /// - Throws: when they have not been built; `scripts/test` builds them.
    public static func locate() throws -> TestGuests {
        let directory = ProcessInfo.processInfo.environment["SPIN_GUEST_DIR"] ?? "/var/tmp/spin-test-guests"
        let guests = TestGuests(directory: directory)
        for file in [guests.kernel, guests.initrd, guests.iso] where !FileManager.default.fileExists(atPath: file) {
            throw HarnessError("test guest \(file) is missing; run scripts/build-test-guests (scripts/test does)")
        }
        return guests
    }
}
