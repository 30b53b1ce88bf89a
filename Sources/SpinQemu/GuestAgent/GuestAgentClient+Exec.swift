import Foundation

extension GuestAgentClient {
    /// Runs `path` with `arguments` in the guest (`guest-exec`), polls `guest-exec-status`
    /// until it ends and returns its exit code and, with `captureOutput`, its stdout and stderr.
    ///
    /// The command runs without a shell: `path` is an executable, `arguments` its argv after
    /// the name. Polling starts every 10 ms and backs off to every 250 ms.
    ///
    /// - Parameters:
    ///   - environment: `KEY=value` entries (the agent's environment otherwise).
    ///   - input: bytes fed to the command's stdin.
    ///   - timeout: how long the command may run; the agent has no call to kill it, so on
    ///     timeout it keeps running in the guest.
    /// - Throws: ``GuestAgentError/timeout(command:)`` when `timeout` passes first, the
    ///   errors of ``execute(_:arguments:timeout:)`` (e.g. `commandFailed` when `path` cannot
    ///   be executed).
    public func exec(
        path: String, arguments: [String] = [], environment: [String]? = nil, input: Data? = nil,
        captureOutput: Bool = true, timeout: Duration = .seconds(60)
    ) async throws -> GuestExecResult {
        let stopwatch = Stopwatch(clock: clock)
        let pid = try await execStart(path: path, arguments: arguments, environment: environment, input: input, captureOutput: captureOutput)
        var interval: Duration = .milliseconds(10)
        while true {
            let status = try await execStatus(pid: pid)
            if status.exited { return try status.result() }
            let remaining = timeout - stopwatch.elapsed
            guard remaining > .zero else { throw GuestAgentError.timeout(command: "guest-exec \(path)") }
            try await clock.sleep(for: min(interval, remaining))
            interval = min(interval * 2, .milliseconds(250))
        }
    }

    /// `guest-exec`: starts `path` in the guest and returns its pid (poll it with
    /// ``execStatus(pid:)``).
    public func execStart(
        path: String, arguments: [String] = [], environment: [String]? = nil, input: Data? = nil,
        captureOutput: Bool = true
    ) async throws -> Int {
        var members: [String: JSON] = ["path": .string(path), "capture-output": .bool(captureOutput)]
        if !arguments.isEmpty { members["arg"] = .array(arguments.map(JSON.string)) }
        if let environment { members["env"] = .array(environment.map(JSON.string)) }
        if let input { members["input-data"] = .string(input.base64EncodedString()) }
        struct Started: Decodable { var pid: Int }
        return try await execute("guest-exec", arguments: .object(members), as: Started.self).pid
    }

    /// `guest-exec-status`: the state of a command started with ``execStart(path:arguments:environment:input:captureOutput:)``.
    /// Once it reports `exited`, the agent forgets the pid.
    public func execStatus(pid: Int) async throws -> GuestExecStatus {
        try await execute("guest-exec-status", arguments: ["pid": .integer(Int64(pid))], as: GuestExecStatus.self)
    }
}
