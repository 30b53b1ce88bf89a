import ArgumentParser
import Foundation
import SpinCore
import SpinQemu
import SpinServer
import Testing

/// A token too short to guard the API is refused when the server starts.
@Suite("Server start: the token is at least 16 characters")
struct ServerTokenStartTests {
    @Test("an empty or short --token, $SPIN_TOKEN or token file is refused naming its source; a long one is taken")
    func shortTokens() throws {
        var template = Array("/tmp/spin-tok.XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let root = SpinRoot(explicit: directory + "/root")
        let options = try ServeOptions.parse(["--listen", "127.0.0.1:0"])
        for token in ["", "short", String(repeating: "x", count: 15), "has a space in it 0123"] {
            #expect(throws: SpinError.self) { try options.makeOptions(root: root, token: token) }
            do {
                _ = try options.makeOptions(root: root, token: token)
            } catch let error as SpinError {
                #expect(error.code == .invalidArgument && error.message.contains("--token"), "\(error.message)")
            }
        }
        // Refused even on the unix socket, where it would not be used.
        #expect(throws: SpinError.self) { try ServeOptions.parse([]).makeOptions(root: root, token: "") }
        #expect(try options.makeOptions(root: root, token: String(repeating: "x", count: 16)).token?.value.count == 16)
        // The generated token satisfies the rule.
        let generated = try options.makeOptions(root: root, token: nil)
        #expect((generated.token?.value.count ?? 0) >= ServerToken.minimumLength)
        // A token file someone shortened is refused too.
        try "abc\n".write(toFile: ServerToken.path(in: root), atomically: true, encoding: .utf8)
        #expect(throws: SpinError.self) { try options.makeOptions(root: root, token: nil) }
    }

    @Test("spin-server serve --token '' exits non-zero and says why")
    func emptyTokenExits() async throws {
        let binary = try Self.serverBinary()
        var template = Array("/tmp/spin-tok.XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try await ProcessRunner.run(
            binary, ["serve", "--root", directory + "/root", "--listen", "127.0.0.1:0", "--token", "", "--supervisor", "direct"], check: false)
        guard case .exited(let code) = outcome.termination else {
            Issue.record("spin-server did not exit: \(outcome.termination)")
            return
        }
        #expect(code != 0)
        let text = outcome.standardOutputText + outcome.standardErrorText
        #expect(text.contains("--token") && text.contains("at least 16"), "\(text)")
    }

    /// `spin-server` next to the test bundle (`swift build --build-tests` builds it).
    static func serverBinary() throws -> String {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("spin-server").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw FixtureError("spin-server was not found next to \(CommandLine.arguments[0]); build with swift build --build-tests")
    }
}
