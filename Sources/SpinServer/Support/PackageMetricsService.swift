import ServiceLifecycle
import SpinCore

/// Counts package outcomes from the broker's events while the server runs.
struct PackageMetricsService: Service {
    let spin: Spin
    let metrics: ServerMetrics

    func run() async throws {
        let events = spin.broker.events()
        await cancelWhenGracefulShutdown {
            for await event in events {
                if case .packageChanged(_, let state) = event { metrics.recordPackage(state) }
            }
        }
    }
}
