/// The one error type of the spin SDK: a stable ``Code``, a message that names the thing and
/// the way out, and an optional underlying cause.
///
/// Codes map to CLI exit codes and HTTP statuses in exactly one place each
/// (``Code/exitCode`` and ``Code/httpStatus``).
public struct SpinError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable category. New codes may be added; switch with a default.
    public struct Code: Hashable, Sendable, CustomStringConvertible, Codable {
        private enum Value: String, Sendable, Codable, CaseIterable {
            case invalidArgument = "invalid_argument"
            case notFound = "not_found"
            case conflict = "conflict"
            case failedPrecondition = "failed_precondition"
            case actionFailed = "action_failed"
            case unavailable = "unavailable"
            case timeout = "timeout"
            case unauthorized = "unauthorized"
            case forbidden = "forbidden"
            case `internal` = "internal"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The request itself is wrong: a bad name, size, port or path. Fix the input.
        public static let invalidArgument = Code(.invalidArgument)
        /// The VM, volume, image, package or command does not exist.
        public static let notFound = Code(.notFound)
        /// The change clashes with what exists: a taken name, port or path.
        public static let conflict = Code(.conflict)
        /// The thing exists but is in the wrong state (a running VM cannot be deleted, …).
        public static let failedPrecondition = Code(.failedPrecondition)
        /// An action ran and failed (qemu exited, qemu-img failed, …).
        public static let actionFailed = Code(.actionFailed)
        /// A needed service or tool is not reachable (qemu missing, no systemd manager, …).
        public static let unavailable = Code(.unavailable)
        /// Waiting for something took longer than allowed.
        public static let timeout = Code(.timeout)
        /// No or wrong credentials.
        public static let unauthorized = Code(.unauthorized)
        /// Credentials valid but not allowed to do this.
        public static let forbidden = Code(.forbidden)
        /// A bug or a broken invariant in spin.
        public static let `internal` = Code(.internal)

        /// The code's stable name, as used in JSON (`"not_found"`).
        public var name: String { value.rawValue }
        public var description: String { value.rawValue }

        /// Looks a code up by its stable name.
        public init?(name: String) {
            guard let value = Value(rawValue: name) else { return nil }
            self.value = value
        }

        /// Every code, for documentation and tests.
        public static var all: [Code] { Value.allCases.map(Code.init) }

        /// The process exit code for the CLI (documented in docs/cli.md).
        public var exitCode: Int32 {
            switch value {
            case .invalidArgument: 64
            case .notFound: 3
            case .conflict: 4
            case .failedPrecondition: 5
            case .actionFailed: 1
            case .unavailable: 69
            case .timeout: 6
            case .unauthorized, .forbidden: 77
            case .internal: 70
            }
        }

        /// The HTTP status for the server.
        public var httpStatus: Int {
            switch value {
            case .invalidArgument: 400
            case .notFound: 404
            case .conflict: 409
            case .failedPrecondition: 409
            case .actionFailed: 422
            case .unavailable: 503
            case .timeout: 504
            case .unauthorized: 401
            case .forbidden: 403
            case .internal: 500
            }
        }
    }

    /// The error's category.
    public let code: Code
    /// What went wrong and how to fix it, for a person.
    public let message: String
    /// The underlying error, when there is one.
    public let cause: (any Error & Sendable)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(message) (\(cause))" }
        return message
    }
}
