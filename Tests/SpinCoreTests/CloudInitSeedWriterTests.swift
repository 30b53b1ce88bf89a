import Foundation
import SpinQemu
import Testing
@testable import SpinCore

private let hasXorriso = FileManager.default.isExecutableFile(atPath: "/usr/bin/xorriso")

@Suite("cloud-init seed image built with xorriso", .enabled(if: hasXorriso, "xorriso is not installed; apt-get install xorriso"))
struct CloudInitSeedWriterTests {
    private func seed(hostname: String = "web") throws -> CloudInitSeed {
        try CloudInitSeed(
            instanceID: "spin-7", hostname: hostname, authorizedKeys: ["ssh-ed25519 AAAAC3Nza spin@host"],
            networkConfig: .dhcp(macAddress: "52:54:00:12:34:56"))
    }

    @Test("the image is ISO 9660 labelled cidata and holds meta-data, user-data and network-config as rendered")
    func realImage() async throws {
        let directory = try TemporaryDirectory(prefix: "spin-seed")
        let path = directory.path + "/seed.iso"
        let seed = try seed()
        #expect(try await CloudInitSeedWriter().write(seed, to: path) == .written)

        let info = try await ProcessRunner.run("xorriso", ["-indev", path, "-pvd_info", "-find", "/", "-type", "f"])
        let output = info.standardOutputText + info.standardErrorText
        #expect(output.contains("Volume Id    : cidata"))
        for name in ["/meta-data", "/user-data", "/network-config"] {
            #expect(output.contains("'\(name)'"), "\(name) missing from \(output)")
        }
        // Read the files back out of the image.
        let extracted = directory.path + "/out"
        _ = try await ProcessRunner.run("xorriso", ["-osirrox", "on", "-indev", path, "-extract", "/", extracted])
        for file in seed.files {
            #expect(try String(contentsOfFile: extracted + "/" + file.name, encoding: .utf8) == file.contents)
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // Nothing is left behind beside it but the image and what the test extracted.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["out", "seed.iso"])
    }

    @Test("writing the same seed again leaves the file untouched; a changed seed replaces it")
    func idempotent() async throws {
        let directory = try TemporaryDirectory(prefix: "spin-seed")
        let path = directory.path + "/seed.iso"
        let writer = CloudInitSeedWriter()
        #expect(try await writer.write(try seed(), to: path) == .written)
        let first = try Data(contentsOf: URL(fileURLWithPath: path))
        let inode = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? NSNumber
        try await Task.sleep(for: .milliseconds(1100))  // a rebuilt image would carry another date if dates were not fixed
        #expect(try await writer.write(try seed(), to: path) == .unchanged)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? NSNumber == inode)

        // A fresh build of the same seed elsewhere is byte-identical.
        let other = directory.path + "/other.iso"
        #expect(try await writer.write(try seed(), to: other) == .written)
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == first)

        #expect(try await writer.write(try seed(hostname: "web2"), to: path) == .written)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) != first)
    }

    @Test("a missing xorriso and a missing directory are reported with the way out")
    func failures() async throws {
        let directory = try TemporaryDirectory(prefix: "spin-seed")
        do {
            try await CloudInitSeedWriter(xorriso: "/nonexistent/xorriso").write(try seed(), to: directory.path + "/seed.iso")
            Issue.record("expected an error")
        } catch let error as SpinError {
            #expect(error.code == .unavailable)
            #expect(error.message.contains("apt-get install xorriso"))
        }
        await #expect(throws: SpinError.self) {
            try await CloudInitSeedWriter().write(try seed(), to: directory.path + "/missing/seed.iso")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
