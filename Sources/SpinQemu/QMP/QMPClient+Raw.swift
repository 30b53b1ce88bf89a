extension QMPClient {
    /// Passes one JSON request through and returns QEMU's reply as JSON text.
    ///
    /// The request must be an object with `"execute"`. Its `id` (if any) is swapped for an
    /// internal one on the wire and restored in the reply, so raw calls can run alongside
    /// typed ones. Error replies are returned as text, not thrown.
    ///
    /// - Throws: ``QMPError/decoding(_:raw:)`` if `line` is not JSON,
    ///   ``QMPError/invalidRequest(_:)`` if it is not an `execute` object,
    ///   ``QMPError/disconnected`` / ``QMPError/timeout`` as for ``execute(_:arguments:timeout:)``.
    public func raw(line: String, timeout: Duration? = nil) async throws -> String {
        let request: JSON
        do {
            request = try JSON(parsing: line)
        } catch {
            throw QMPError.decoding("request is not valid JSON", raw: line)
        }
        guard var members = request.objectValue, members["execute"]?.stringValue != nil else {
            throw QMPError.invalidRequest("expected a JSON object like {\"execute\": \"query-status\"}")
        }
        let originalID = members.removeValue(forKey: "id")
        let message = members
        let connection = self.connection
        let reply = try await Self.withTimeout(timeout ?? defaultTimeout, clock: clock) {
            try await connection.send(message)
        }
        var replyMembers = reply.objectValue ?? [:]
        replyMembers["id"] = originalID
        return try JSON.object(replyMembers).text()
    }
}
