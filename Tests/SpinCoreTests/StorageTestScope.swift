import Foundation
import SpinQemu
@testable import SpinCore

/// The scope of the storage agents in tests that act on bare temporary directories rather
/// than registered volumes: volumes must be spelled under `/tmp/` or `/dev/shm/` (links are left to the
/// agent's own checks, which those tests exercise), and an image's "recorded" format is what
/// qemu-img detects in it — acceptable only because the tests wrote every such image
/// themselves. Tests of confinement and formats use ``RegisteredVolumes`` over a real registry.
struct TestStorageScope: StorageScope {
    func checkVolume(_ volume: VolumePath) throws {
        guard volume.path.hasPrefix("/tmp/") || volume.path.hasPrefix("/dev/shm/") else {
            throw SpinError(.forbidden, "test agents act only under /tmp and /dev/shm, not in \(volume.path)")
        }
    }

    /// Files to import anywhere: the tests write them.
    func checkSource(_ path: String) {}

    func recordedFormat(of image: ImageLocation) async throws -> QemuDisk.Format? {
        try checkVolume(image.volume)
        var info = stat()
        guard lstat(image.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return try await detectedInfo(image.path).flatMap { QemuDisk.Format(rawValue: $0.format) }
    }
}

/// What qemu-img guesses about a file written by a test (`info` without `-f`), or nil when it
/// cannot read it. Tests only: spin itself never lets qemu-img guess.
func detectedInfo(_ path: String) async throws -> QemuImageInfo? {
    let result = try await ProcessRunner.run("qemu-img", ["info", "--output=json", "-U", "--", path], check: false)
    guard result.termination == .exited(0) else { return nil }
    return try JSONDecoder().decode(QemuImageInfo.self, from: Data(result.standardOutputText.utf8))
}
