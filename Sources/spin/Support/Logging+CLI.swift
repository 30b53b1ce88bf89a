import Logging

/// The CLI's logging: the SDK's log lines (agents, supervisors) go to standard error only with
/// `--debug`; otherwise errors reach the user once, through ``ErrorReport``.
enum CLILogging {
    /// Installs the log handler; call once, before the SDK is opened.
    static func bootstrap(debug: Bool) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = debug ? .debug : .critical
            return handler
        }
    }
}
