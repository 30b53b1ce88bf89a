import SpinCore

extension PostgresBroker {
    /// Prunes packages finished longer than ``PostgresBrokerOptions/packageRetention`` ago and
    /// reaps open ones older than ``PostgresBrokerOptions/abandonedPackageAge``, now and every
    /// ``PostgresBrokerOptions/maintenanceInterval`` until the task is cancelled. Every server
    /// may run it at once: each pass is one `DELETE` that the others' skip or repeat harmlessly.
    public func runMaintenance(onError: @escaping @Sendable (any Error) -> Void) async {
        while !Task.isCancelled {
            do {
                try await pruneFinishedPackages(olderThan: options.packageRetention)
                try await reapAbandonedPackages(olderThan: options.abandonedPackageAge)
            } catch is CancellationError {
                return
            } catch {
                onError(error)
            }
            try? await Task.sleep(for: options.maintenanceInterval)
        }
    }
}
