/// Time elapsed since creation on any `Clock<Duration>`, including an existential one (whose
/// instants cannot be compared directly).
struct Stopwatch: Sendable {
    private let measure: @Sendable () -> Duration

    /// Starts measuring now.
    init(clock: any Clock<Duration>) { measure = Self.start(clock) }

    private static func start<C: Clock<Duration>>(_ clock: C) -> @Sendable () -> Duration {
        let start = clock.now
        return { start.duration(to: clock.now) }
    }

    /// How long since creation.
    var elapsed: Duration { measure() }
}
