extension QMPClient {
    /// `query-jobs`: every job QEMU knows, running or concluded and not yet dismissed.
    public func queryJobs() async throws -> [QMPJob] {
        try await execute("query-jobs", as: [QMPJob].self)
    }

    /// Starts a job with `command` (whose arguments name `jobID` as `job-id`), waits until it
    /// concludes, dismisses it, and throws its error if it failed.
    ///
    /// The event subscription is made before the command is sent, so the `JOB_STATUS_CHANGE`
    /// that concludes the job cannot be missed.
    /// - Throws: ``QMPError/commandFailed(class:desc:)`` when QEMU refuses the command or the
    ///   job fails (class `JobFailed`, its error as the description), ``QMPError/disconnected``.
    public func runJob(_ command: String, arguments: JSON, jobID: String) async throws {
        let events = events()
        try await execute(command, arguments: arguments)
        try await concludeJob(jobID, events: events)
    }

    /// Waits for the job `jobID` (started by this client or another, say a process that was
    /// killed) to conclude, dismisses it and throws its error. Returns at once when no such
    /// job exists.
    public func finishJob(_ jobID: String) async throws {
        try await concludeJob(jobID, events: events())
    }

    private func concludeJob(_ jobID: String, events: AsyncStream<QMPEvent>) async throws {
        var job = try await queryJobs().first { $0.id == jobID }
        if let current = job, !current.isConcluded {
            for await event in events where event.name == "JOB_STATUS_CHANGE" && event.data["id"]?.stringValue == jobID {
                if event.data["status"]?.stringValue == "concluded" { break }
            }
            job = try await queryJobs().first { $0.id == jobID }
        }
        guard let job else { return }
        try await execute("job-dismiss", arguments: ["id": .string(jobID)])
        if let error = job.error {
            throw QMPError.commandFailed(class: "JobFailed", desc: "\(job.type) job \(jobID) failed: \(error)")
        }
    }
}
