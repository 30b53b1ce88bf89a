import ArgumentParser
import Foundation
import SpinCore

/// `spin package add PKG RESOURCE ACTION key=value…`: prints the new command's id.
struct PackageAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a command to an open package; prints the command's id.",
        discussion: """
            Each value is read as JSON when it parses (numbers, true/false, "quoted strings"), \
            else as a string. The broker checks the action's parameters: an unknown action or a \
            missing, extra or mistyped parameter is refused (exit 64).
            Example: spin package add 1 storage create_image volumePath=/var/tmp/v image=a.qcow2 sizeBytes=1048576 format=qcow2
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The package's id.") var package: UInt64
    @Argument(help: "The queue: storage or emulation.") var resource: String
    @Argument(help: "The action, e.g. create_image.") var action: String
    @Argument(help: "Parameters as key=value.") var parameters: [String] = []
    @Option(help: "The id of a command in the same package that must succeed first; repeatable.") var after: [String] = []

    func run() async throws {
        let draft = CommandDraft(
            resource: resource, action: action, parameters: try Self.parse(parameters),
            dependencies: try after.map(Self.commandID))
        let id = try await global.withBackend(agents: false) { backend in try await backend.add(draft, to: package) }
        try Output.emit(global, ["command": id.uuidString.lowercased()]) { id.uuidString.lowercased() }
    }

    /// `key=value` pairs as a JSON object; values that parse as JSON are taken as JSON.
    static func parse(_ pairs: [String]) throws -> JSONValue {
        var fields: [String: JSONValue] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw SpinError(.invalidArgument, "parameter \"\(pair)\" is not key=value; e.g. sizeBytes=1048576 or image=a.qcow2")
            }
            let key = String(pair[..<equals])
            let text = String(pair[pair.index(after: equals)...])
            if fields[key] != nil { throw SpinError(.invalidArgument, "parameter \"\(key)\" is given twice; give it once") }
            fields[key] = (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
        }
        return .object(fields)
    }

    /// A command id given on the command line.
    static func commandID(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw SpinError(.invalidArgument, "\"\(text)\" is not a command id; use the id spin package add printed")
        }
        return id
    }
}
