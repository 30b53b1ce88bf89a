import ArgumentParser
import Foundation
import SpinCore

/// Turns any error into a message on standard error and the documented exit code. Exit codes
/// come from ``SpinError/Code/exitCode`` — the one place they are defined — and from
/// swift-argument-parser for usage errors (64, the same as `invalid_argument`).
enum ErrorReport {
    /// Reports `error` and exits.
    static func exit(with error: any Error, arguments: [String] = CommandLine.arguments) -> Never {
        let json = wantsJSON(arguments)
        let debug = arguments.contains("--debug")
        if let spinError = error as? SpinError {
            report(code: spinError.code.name, message: debug ? spinError.description : spinError.message, json: json)
            Foundation.exit(spinError.code.exitCode)
        }
        if let exitCode = error as? ExitCode {
            Foundation.exit(exitCode.rawValue)
        }
        let code = SpinCommand.exitCode(for: error)
        if json, code != .success {
            report(code: SpinError.Code.invalidArgument.name, message: SpinCommand.message(for: error), json: true)
            Foundation.exit(code.rawValue)
        }
        SpinCommand.exit(withError: error)
    }

    private static func report(code: String, message: String, json: Bool) {
        if json {
            let body = ["error": ["code": code, "message": message]]
            let data = (try? Output.encoder(pretty: false).encode(body)) ?? Data()
            Output.error(String(decoding: data, as: UTF8.self))
        } else {
            Output.error("error: \(message)")
        }
    }

    /// Whether `--format json` appears among the arguments (the error may predate parsing).
    static func wantsJSON(_ arguments: [String]) -> Bool {
        if arguments.contains("--format=json") { return true }
        guard let index = arguments.firstIndex(of: "--format"), index + 1 < arguments.count else { return false }
        return arguments[index + 1] == "json"
    }
}
