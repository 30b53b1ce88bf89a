import ArgumentParser
import Foundation
import SpinCore

/// `spin-bench vm`: the VM lifecycle through the SDK against raw qemu with the same argv,
/// interleaved round by round, under the direct supervisor, systemd, or both.
struct VMBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vm",
        abstract: "VM start/ready/forced stop/crash notice/delete through spin vs raw qemu exec.",
        discussion: """
            Needs the test guests (scripts/build-test-guests) in $SPIN_GUEST_DIR or \
            /var/tmp/spin-test-guests. The systemd rows run under a private systemd --user \
            manager started (and stopped) by the benchmark.
            """
    )

    enum SupervisorChoice: String, ExpressibleByArgument, CaseIterable {
        case direct, systemd, both
    }

    @Option(help: "direct, systemd or both.") var supervisor: SupervisorChoice = .both
    @Option(help: "Rounds per supervisor; each round runs every measurement once.") var rounds = 10
    @Option(help: "Guest memory in MiB.") var memory = 256
    @Flag(help: "Print tables as Markdown.") var markdown = false

    func run() async throws {
        let guests = try BenchGuests.locate()
        let kinds: [SupervisorKind] = supervisor == .both ? [.direct, .systemd] : supervisor == .direct ? [.direct] : [.systemd]
        for kind in kinds {
            print("== supervisor: \(kind.rawValue), \(rounds) rounds, guest \(memory) MiB, 1 vCPU, TCG ==")
            let results = try await VMBenchSession.run(kind: kind, rounds: rounds, memoryMiB: memory, guests: guests)
            print(results.table(kind: kind).render(markdown: markdown))
            print(results.notes(kind: kind))
            print()
        }
    }
}

/// The guests built by scripts/build-test-guests.
struct BenchGuests: Sendable {
    let directory: String
    var kernel: String { directory + "/vmlinuz" }
    var initrd: String { directory + "/initrd.img" }
    static let readyMarker = "SPIN-GUEST-READY"
    /// Direct boot, and the guest ignores ACPI power-off (so a stop must force it).
    static let append = "console=ttyS0 panic=-1 quiet spin.noacpi=1"

    static func locate() throws -> BenchGuests {
        let guests = BenchGuests(directory: ProcessInfo.processInfo.environment["SPIN_GUEST_DIR"] ?? "/var/tmp/spin-test-guests")
        for file in [guests.kernel, guests.initrd] where !FileManager.default.fileExists(atPath: file) {
            throw BenchError("test guest \(file) is missing; run scripts/build-test-guests")
        }
        return guests
    }
}
