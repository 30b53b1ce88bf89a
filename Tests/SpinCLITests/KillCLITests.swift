import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// `spin` commands SIGKILLed at random points of their first 200 ms, then recovery by the next
/// ordinary commands: the killed command run again, and the durable packages it left waited
/// for (`spin package status N --wait` serves the queues). Afterwards at most one qemu per VM,
/// status agreeing with it, every VM's disk on disk and every image file recorded.
@Suite("spin killed mid-command", .serialized)
struct KillCLITests {
    @Test("SIGKILL of spin start, stop, vm create and vm delete at random points, then recovery keeps every invariant", arguments: CLISupervisor.allCases)
    func killedCommands(_ kind: CLISupervisor) async throws {
        let guests = try TestGuests.locate()
        let seed = UInt64.random(in: 1...UInt64.max)
        var random = SplitMix64(seed: seed)
        let create = ["vm", "create", "web", "vol"] + guests.directBootOptions
        // create, start, stop, delete — each five times, at random points.
        let plan: [[String]] = Array(repeating: [create, ["start", "web"], ["stop", "web", "--timeout", "1"], ["vm", "delete", "web"]], count: 5).flatMap { $0 }
        try await ConcurrentCLI.with(kind) { harness in
            try harness.ok(["volume", "create", "vol"])
            for (step, command) in plan.enumerated() {
                let delay = Int(random.next() % 200)
                let context = "\(kind) seed \(seed) step \(step): spin \(command.prefix(3).joined(separator: " ")) killed after \(delay) ms"
                let running = try harness.spawn(command)
                try await Task.sleep(for: .milliseconds(delay))
                running.kill()
                _ = running.wait()

                // Recovery: run the command again, as a user would.
                let again = try harness.run(command)
                switch command[0] == "vm" ? command[1] : command[0] {
                case "create":
                    // 4: the killed create had recorded the VM already; its package finishes below.
                    #expect(again.status == 0 || again.status == 4, "\(context); again: \(again)")
                case "delete":
                    // 3: the killed delete had forgotten the VM already.
                    #expect(again.status == 0 || again.status == 3, "\(context); again: \(again)")
                default:
                    #expect(again.status == 0, "\(context); again: \(again)")
                }
                try finishPackages(harness, context)
                try harness.checkInvariants(context)
                let vms = try harness.vms()
                switch command[0] == "vm" ? command[1] : command[0] {
                case "create": #expect(vms.map(\.name) == ["web"], "\(context): \(vms)")
                case "delete": #expect(vms.isEmpty, "\(context): \(vms)")
                case "start": #expect(vms.first?.state == "running", "\(context): \(vms)")
                default: #expect(vms.first?.state == "stopped", "\(context): \(vms)")
                }
            }
        }
    }

    /// Waits for every package that is not finished (what the killed process left).
    func finishPackages(_ harness: ConcurrentCLI, _ context: String) throws {
        var id = 1
        while true {
            let status = try harness.run(["package", "status", String(id), "--format", "json"])
            guard status.status == 0 else { return }
            let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
            if (object?["package"] as? [String: Any])?["state"] as? String == "enqueued" {
                let waited = try harness.run(["package", "status", String(id), "--wait", "--timeout", "120", "--format", "json"])
                #expect(waited.status == 0 || waited.status == 1, "\(context): waiting for package \(id): \(waited)")
            }
            id += 1
        }
    }
}

/// A small seeded generator, so a failing run can be told apart by its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
