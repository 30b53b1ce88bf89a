import Foundation
import Testing

/// docs/cli.md ends with every command's `--help`, generated from the built binary; this test
/// fails when they differ. `scripts/cli-docs` (SPIN_UPDATE_CLI_DOCS=1) rewrites that part.
@Suite("docs/cli.md")
struct CLIReferenceTests {
    static let marker = "<!-- Generated from `spin … --help` by scripts/cli-docs; do not edit below. -->"

    static var documentPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/cli.md").path
    }

    @Test("the command reference in docs/cli.md matches every command's --help")
    func referenceIsCurrent() async throws {
        try await CLI.with { cli in
            let document = try String(contentsOfFile: Self.documentPath, encoding: .utf8)
            let range = try #require(document.range(of: Self.marker), "docs/cli.md lacks the marker line \(Self.marker)")
            var generated = "\n"
            for path in try CommandTree.paths(cli) {
                let help = try cli.run(path + ["--help"], root: false).stdout
                let title = (["spin"] + path).joined(separator: " ")
                generated += "\n### `\(title)`\n\n```text\n\(help.trimmingCharacters(in: .whitespacesAndNewlines))\n```\n"
            }
            let current = String(document[range.upperBound...])
            if ProcessInfo.processInfo.environment["SPIN_UPDATE_CLI_DOCS"] == "1" {
                try (String(document[..<range.upperBound]) + generated).write(toFile: Self.documentPath, atomically: true, encoding: .utf8)
                return
            }
            #expect(current == generated, "docs/cli.md is out of date with spin --help; run scripts/cli-docs")
        }
    }
}
