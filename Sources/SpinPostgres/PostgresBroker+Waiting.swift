import Foundation
import SpinModel

extension PostgresBroker {
    /// Waits until the package succeeds or fails and returns its final status. Wakes on the
    /// package's NOTIFY from whichever server finished it, or polls while notifications are
    /// off or the listener is down.
    /// - Throws: ``SpinError`` `.timeout` when `timeout` passes first.
    public func waitForPackage(_ id: UInt64, timeout: Duration = .seconds(3600)) async throws -> PackageStatus {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            try Task.checkCancellation()
            let seen = signal.generation
            let record = try await store.withConnection { connection in try await Self.loadPackage(connection, id) }
            if record.state.isTerminal { return try await status(package: id) }
            let remaining = deadline - clock.now
            guard remaining > .zero else {
                throw SpinError(.timeout, "package \(id) did not finish within \(timeout); spin package status \(id) shows where it is")
            }
            await signal.wait(after: seen, timeout: min(remaining, recheckInterval))
        }
    }
}
