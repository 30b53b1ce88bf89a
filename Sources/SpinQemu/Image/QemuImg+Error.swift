import Foundation

extension QemuImg {
    /// Why a `qemu-img` operation failed.
    public enum Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        /// `qemu-img` could not be started (not installed?).
        case notRunnable(String)
        /// `qemu-img` ran and failed; carries its arguments, exit and stderr.
        case failed(arguments: [String], termination: ProcessTermination, standardError: String)
        /// Its JSON output did not have the expected shape.
        case decoding(String, raw: String)
        /// The request was inconsistent before anything ran.
        case invalidArgument(String)

        /// A one-line explanation.
        public var description: String {
            switch self {
            case .notRunnable(let message): return message
            case .failed(let arguments, let termination, let standardError):
                let detail = standardError.trimmingCharacters(in: .whitespacesAndNewlines)
                return "qemu-img \(arguments.first ?? "") failed (\(termination)): \(detail)"
            case .decoding(let message, let raw): return "cannot read qemu-img output (\(message)): \(raw)"
            case .invalidArgument(let message): return message
            }
        }

        /// Translates a ``ProcessRunner/Error``.
        static func from(_ error: any Swift.Error, executable: String) -> Error {
            guard let error = error as? ProcessRunner.Error else { return .notRunnable("\(error)") }
            switch error {
            case .failed(_, let arguments, let termination, let standardError):
                return .failed(arguments: arguments, termination: termination, standardError: standardError)
            case .spawnFailed, .waitFailed:
                return .notRunnable("\(error.description); install qemu-utils")
            }
        }
    }

    /// Reads `(12.50/100%)` from a `qemu-img -p` line, as 12.5.
    public static func parseProgress(_ line: String) -> Double? {
        guard let open = line.lastIndex(of: "("), let slash = line[open...].firstIndex(of: "/"),
            line[slash...].hasPrefix("/100%)")
        else { return nil }
        return Double(line[line.index(after: open)..<slash])
    }
}
