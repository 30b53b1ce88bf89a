import Foundation
import SpinQemu
import Testing
@testable import SpinCore

@Suite("the exposure of a VM's unit, as systemd-analyze security rates it")
struct SystemdSecurityScoreTests {
    @Test("the unit of a VM whose qemu runs as the qemu user rates OK or better; the score is printed for docs/operations.md")
    func exposureScore() async throws {
        let directory = try TemporaryDirectory(prefix: "spin-score")
        let file = directory.path + "/spin-7.service"
        let unit = SystemdSupervisor.unitFile(for: SystemdSandboxUnitTests.plan(), root: SpinRoot(explicit: "/srv/spin"), helperCommand: ["/usr/bin/spin"], scope: .system)
        try unit.rendered().write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await ProcessRunner.run("/usr/bin/systemd-analyze", ["security", "--offline=yes", "--no-pager", file], check: false)
        let text = result.standardOutputText
        let line = try #require(text.split(separator: "\n").first { $0.contains("Overall exposure level") }, "systemd-analyze said: \(text) \(result.standardErrorText)")
        // "→ Overall exposure level for spin-7.service: 1.6 OK 🙂"
        let words = line.split(separator: " ")
        let index = try #require(words.firstIndex { Double($0) != nil })
        let score = try #require(Double(words[index]))
        let level = words.count > index + 1 ? String(words[index + 1]) : ""
        print("systemd-analyze security exposure of a VM unit (qemu as \(QemuUser.defaultName)): \(score) \(level)")
        #expect(["PERFECT", "SAFE", "OK"].contains(level), "\(line)")
        #expect(score <= 2.5, "\(line)")

        // The same VM without a qemu user of its own (spin as an ordinary user) is not sandboxed.
        let plain = SystemdSupervisor.unitFile(for: SystemdUnitFileTests.plan(autostart: false), root: SpinRoot(explicit: "/srv/spin"), helperCommand: nil, scope: .system)
        try plain.rendered().write(toFile: file, atomically: true, encoding: .utf8)
        let plainText = try await ProcessRunner.run("/usr/bin/systemd-analyze", ["security", "--offline=yes", "--no-pager", file], check: false).standardOutputText
        print("for comparison, an unsandboxed unit: " + (plainText.split(separator: "\n").first { $0.contains("Overall exposure level") }.map(String.init) ?? "?"))
    }
}
