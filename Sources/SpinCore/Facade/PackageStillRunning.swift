import Foundation

/// Why a facade call stopped waiting while its package may still run: the cause of the
/// ``SpinError`` (code `.timeout` when the wait ran out) that the call throws. The call keeps
/// its records, and brings them in line with the package's outcome if it ends while this
/// process still runs.
public struct PackageStillRunning: Error, Sendable, CustomStringConvertible {
    /// The package, still enqueued: `spin package status ID --wait` follows it.
    public let package: UInt64

    /// Creates the cause.
    public init(package: UInt64) { self.package = package }

    public var description: String { "package \(package) may still be running" }
}

extension SpinError {
    /// The package a facade call stopped waiting for while it may still run, if that is what
    /// this error says; nil for every other error.
    public var runningPackage: UInt64? { (cause as? PackageStillRunning)?.package }
}

/// What a facade call does to its records once its package ends, if it stopped waiting first.
struct LateOutcome: Sendable {
    /// Runs when the package succeeded.
    var succeeded: @Sendable () async -> Void = {}
    /// Runs when the package failed.
    var failed: @Sendable () async -> Void = {}
}

extension Spin {
    /// Whether a facade call may undo its records after `error`: always, except when the call
    /// stopped waiting for a package that may still run (then the records stay, and
    /// ``LateOutcome`` settles them when the package ends).
    static func mayUndo(after error: any Error) -> Bool {
        (error as? SpinError)?.runningPackage == nil
    }

    /// Keeps following a package the caller stopped waiting for, and settles the caller's
    /// records once it ends. Ends with ``close()``.
    func followLater(_ package: UInt64, _ late: LateOutcome) {
        let broker = broker
        let logger = logger
        let task = Task {
            while !Task.isCancelled {
                do {
                    let status = try await broker.waitForPackage(package, timeout: .seconds(3600))
                    if status.package.state == .failed { await late.failed() } else { await late.succeeded() }
                    logger.info("package \(package) ended \(status.package.state.rawValue) after its caller stopped waiting; records settled")
                    return
                } catch let error as SpinError where error.code == .timeout {
                    continue
                } catch where error.isStoreOutage {
                    // Follow on once the store is back.
                    try? await Task.sleep(for: .seconds(1))
                    continue
                } catch {
                    logger.warning("stopped following package \(package): \(error)")
                    return
                }
            }
        }
        followUps.withLock { $0[package] = task }
        Task { [self] in
            await task.value
            _ = followUps.withLock { $0.removeValue(forKey: package) }
        }
    }

    /// At ``close()``: follow-ups whose package has ended get a moment to settle their
    /// records; the others stop (their packages run on without this process).
    func endFollowUps() async {
        let following = followUps.withLock { $0 }
        for (package, task) in following {
            let ended = (try? await broker.status(package: package).package.state.isTerminal) ?? false
            guard ended else {
                task.cancel()
                continue
            }
            let limit = Task {
                try? await Task.sleep(for: .seconds(2))
                task.cancel()
            }
            await task.value
            limit.cancel()
        }
    }
}
