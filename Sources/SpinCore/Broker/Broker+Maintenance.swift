import Foundation

/// What one maintenance pass removed.
public struct BrokerMaintenance: Sendable, Equatable {
    /// Finished packages pruned after their retention.
    public var pruned: [UInt64]
    /// Open packages reaped because they were never enqueued.
    public var reaped: [UInt64]
}

extension Broker {
    /// One maintenance pass: reaps abandoned open packages and prunes finished packages past
    /// their retention, in short batches.
    @discardableResult
    public func maintain() async throws -> BrokerMaintenance {
        let reaped = try reapAbandonedPackages()
        let pruned = try await pruneFinishedPackages()
        return BrokerMaintenance(pruned: pruned, reaped: reaped)
    }

    /// Runs ``maintain()`` at once and then every ``BrokerOptions/maintenanceInterval`` until
    /// the task is cancelled; what the processes that run agents do. Several processes may do
    /// it at once: each batch is its own transaction and checks again under the writer.
    public func runMaintenance(onError: @escaping @Sendable (any Error) -> Void = { _ in }) async {
        while !Task.isCancelled {
            do {
                try await maintain()
            } catch is CancellationError {
                return
            } catch {
                onError(error)
            }
            try? await Task.sleep(for: options.maintenanceInterval)
        }
    }
}
