extension Spin {
    /// Runs `body`, again while it fails because the store is out (``StoreOutage``), for up to
    /// `limit`: what undoing records needs, since an undo given up leaves records without files.
    func throughOutage<T: Sendable>(limit: Duration = .seconds(60), _ body: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + limit
        while true {
            do {
                return try await body()
            } catch where error.isStoreOutage && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }
}
