import Foundation
import Testing
@testable import SpinCore

/// The one stop ladder: power-off, SIGTERM, SIGKILL, success only once the process is gone,
/// and no signal once the command's lease is lost. (The real ladder against real qemu runs in
/// the system and CLI suites; these pin its order.)
@Suite("Stop ladder")
struct StopLadderTests {
    /// A process stand-in: gone after `goneAfter` signals (nil: never), recording signals.
    final class Stand: Sendable {
        let signals = Box<[Int32]>([])
        let goneAfter: Int?
        let poweredOff: Bool
        init(poweredOff: Bool, goneAfter: Int?) {
            self.poweredOff = poweredOff
            self.goneAfter = goneAfter
        }

        func ladder(leaseCheck: (@Sendable () async throws -> Void)? = nil) -> StopLadder {
            StopLadder(
                powerOff: { _ in self.poweredOff },
                signal: { signal in self.signals.update { $0.append(signal) } },
                waitGone: { _ in
                    if self.poweredOff { return true }
                    return self.goneAfter.map { limit in self.signals.update { $0.count } >= limit } ?? false
                },
                exitGrace: .zero, termGrace: .zero, killGrace: .zero, leaseCheck: leaseCheck)
        }
    }

    @Test("a guest that powers off gets no signal")
    func poweredOff() async throws {
        let stand = Stand(poweredOff: true, goneAfter: nil)
        try await stand.ladder().run(timeout: .seconds(1), vm: "web")
        #expect(stand.signals.update { $0 } == [])
    }

    @Test("no power-off: SIGTERM, then SIGKILL when SIGTERM was not enough")
    func forced() async throws {
        let stand = Stand(poweredOff: false, goneAfter: 2)
        try await stand.ladder().run(timeout: .seconds(1), vm: "web")
        #expect(stand.signals.update { $0 } == [SIGTERM, SIGKILL])
    }

    @Test("a process that outlives SIGKILL is a failure, not a success")
    func survivor() async throws {
        let stand = Stand(poweredOff: false, goneAfter: nil)
        await #expect(throws: SpinError.self) { try await stand.ladder().run(timeout: .zero, vm: "web") }
    }

    @Test("once the command's lease is lost, the ladder sends no signal")
    func leaseLost() async throws {
        let stand = Stand(poweredOff: false, goneAfter: 1)
        await #expect(throws: SpinError.self) {
            try await stand.ladder(leaseCheck: { throw SpinError(.failedPrecondition, "lease lost") }).run(timeout: .zero, vm: "web")
        }
        #expect(stand.signals.update { $0 } == [])
    }
}
