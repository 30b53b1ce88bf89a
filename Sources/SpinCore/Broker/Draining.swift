/// Runs work that outlives its caller's cancellation by a grace period: what lets an agent
/// that is told to stop finish the command in flight, or cut it short after `grace`.
public enum Draining {
    /// Runs `work` in a task of its own. Cancelling the caller cancels `work` only after
    /// `grace` (at once for `.zero`); the caller always waits for `work`'s result.
    public static func run<T: Sendable>(grace: Duration, _ work: @escaping @Sendable () async -> T) async -> T {
        let task = Task { await work() }
        return await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            guard grace > .zero else { return task.cancel() }
            Task {
                try? await Task.sleep(for: grace)
                task.cancel()
            }
        }
    }
}
