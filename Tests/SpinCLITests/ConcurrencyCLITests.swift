import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// Several `spin` processes acting on one VM at once, each running its own agents (the
/// embedded mode): what they report must be what a serial order would give, and status must
/// agree with the real qemu processes afterwards.
@Suite("spin processes racing on one VM", .serialized)
struct ConcurrencyCLITests {
    @Test("four spin start at once: one qemu, four successes, status running with that qemu's pid", arguments: CLISupervisor.allCases)
    func concurrentStarts(_ kind: CLISupervisor) async throws {
        let guests = try TestGuests.locate()
        try await ConcurrentCLI.with(kind) { harness in
            try harness.ok(["volume", "create", "vol"])
            try harness.ok(["vm", "create", "web", "vol"] + guests.directBootOptions)
            let results = try harness.concurrently(Array(repeating: ["start", "web"], count: 4))
            for result in results { #expect(result.status == 0, "\(kind) concurrent start: \(result)") }
            #expect(harness.qemuPIDs(1).count == 1)
            let vm = try #require(try harness.vms().first)
            #expect(vm.state == "running")
            try harness.checkInvariants("after four concurrent starts")

            // A delete racing a start ends in one of the two states, and never leaves a qemu.
            let raced = try harness.concurrently([["stop", "web", "--timeout", "1"], ["vm", "delete", "web"], ["start", "web"]])
            try harness.checkInvariants("after stop, delete and start at once: \(raced)")
            if try harness.vms().isEmpty { #expect(harness.qemuPIDs(1).isEmpty) }
        }
    }

    @Test("start, stop and restart racing from separate processes: every command succeeds and status agrees with qemu", arguments: CLISupervisor.allCases)
    func lifecycleRaces(_ kind: CLISupervisor) async throws {
        let guests = try TestGuests.locate()
        try await ConcurrentCLI.with(kind) { harness in
            try harness.ok(["volume", "create", "vol"])
            try harness.ok(["vm", "create", "web", "vol"] + guests.directBootOptions)
            let mixes: [[[String]]] = [
                [["start", "web"], ["stop", "web", "--timeout", "1"], ["restart", "web", "--timeout", "1"], ["start", "web"]],
                [["stop", "web", "--timeout", "1"], ["start", "web"], ["stop", "web", "--timeout", "1"]],
                [["restart", "web", "--timeout", "1"], ["restart", "web", "--timeout", "1"], ["start", "web"]],
                [["start", "web"], ["stop", "web", "--timeout", "1"]],
            ]
            for (round, mix) in mixes.enumerated() {
                let results = try harness.concurrently(mix)
                for (command, result) in zip(mix, results) {
                    #expect(result.status == 0, "round \(round): spin \(command.joined(separator: " ")): \(result)")
                }
                let state = try #require(try harness.vms().first).state
                #expect(state == "running" || state == "stopped", "round \(round): \(state)")
                try harness.checkInvariants("round \(round) of \(mix)")
            }
        }
    }
}
