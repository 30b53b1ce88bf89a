import Foundation
import SpinModel

extension Components.Schemas.CloudInit {
    /// The wire form of cloud-init settings.
    public init(_ settings: CloudInit) {
        self.init(userName: settings.userName, authorizedKeys: settings.authorizedKeys, userData: settings.userData, instanceID: settings.instanceID)
    }

    /// The SDK's settings, absent keys filled with the defaults.
    public func model() -> CloudInit {
        CloudInit(userName: userName ?? CloudInit.defaultUserName, authorizedKeys: authorizedKeys ?? [], userData: userData, instanceID: instanceID)
    }
}

extension Components.Schemas.GuestInfo {
    /// The wire form of what a guest agent says.
    public init(_ info: GuestInfo) {
        self.init(
            agent: AgentPayload(rawValue: info.agent.rawValue) ?? .notAnswering, detail: info.detail, hostname: info.hostname,
            addresses: info.addresses.map {
                .init(interface: $0.interface, family: $0.family == "ipv6" ? .ipv6 : .ipv4, address: $0.address, prefix: $0.prefix)
            })
    }

    /// The SDK's form.
    public func model() -> GuestInfo {
        GuestInfo(
            agent: GuestAgentState(rawValue: agent.rawValue) ?? .notAnswering, detail: detail, hostname: hostname,
            addresses: addresses.map { GuestAddress(interface: $0.interface, family: $0.family.rawValue, address: $0.address, prefix: $0.prefix) })
    }
}

extension Components.Schemas.ExecRequest {
    /// The wire form of a guest command: stdin as text when it is UTF-8, else base64.
    public init(_ command: GuestCommand) {
        var stdin: String?
        var encoding: StdinEncodingPayload?
        if let input = command.stdin {
            if let text = String(data: input, encoding: .utf8), text.unicodeScalars.count <= 65536 {
                stdin = text
            } else {
                stdin = input.base64EncodedString()
                encoding = .base64
            }
        }
        self.init(argv: command.argv, stdin: stdin, stdinEncoding: encoding, timeoutSeconds: command.timeoutSeconds)
    }

    /// The SDK's command.
    /// - Throws: ``SpinError`` `.invalidArgument` for text stdin over 65536 characters or
    ///   base64 stdin that does not decode.
    public func model() throws -> GuestCommand {
        var input: Data?
        if let stdin {
            if stdinEncoding == .base64 {
                guard let data = Data(base64Encoded: stdin) else {
                    throw SpinError(.invalidArgument, "stdin is not base64 (stdinEncoding is base64); encode it without line breaks, or send text")
                }
                input = data
            } else {
                guard stdin.unicodeScalars.count <= 65536 else {
                    throw SpinError(.invalidArgument, "stdin is \(stdin.unicodeScalars.count) characters of text; send at most 65536, or base64 with stdinEncoding base64")
                }
                input = Data(stdin.utf8)
            }
        }
        return GuestCommand(argv: argv, stdin: input, timeoutSeconds: timeoutSeconds)
    }
}

extension Components.Schemas.ExecResult {
    /// The wire form of a guest command's result: text when stdout and stderr are both
    /// UTF-8, else both base64.
    public init(_ result: GuestCommandResult) {
        if let out = String(data: result.stdout, encoding: .utf8), let err = String(data: result.stderr, encoding: .utf8) {
            self.init(exitCode: result.exitCode, signal: result.signal, stdout: out, stderr: err, encoding: .text, truncated: result.truncated)
        } else {
            self.init(
                exitCode: result.exitCode, signal: result.signal, stdout: result.stdout.base64EncodedString(),
                stderr: result.stderr.base64EncodedString(), encoding: .base64, truncated: result.truncated)
        }
    }

    /// The SDK's result.
    /// - Throws: ``SpinError`` `.invalidArgument` when base64 output does not decode.
    public func model() throws -> GuestCommandResult {
        func bytes(_ text: String, _ name: String) throws -> Data {
            guard encoding == .base64 else { return Data(text.utf8) }
            guard let data = Data(base64Encoded: text) else { throw SpinError(.invalidArgument, "\(name) of the exec result is not base64") }
            return data
        }
        return GuestCommandResult(
            exitCode: exitCode, signal: signal, stdout: try bytes(stdout, "stdout"), stderr: try bytes(stderr, "stderr"), truncated: truncated)
    }
}
