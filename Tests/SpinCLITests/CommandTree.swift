import Foundation

/// Every command path of the built `spin`, found by walking the SUBCOMMANDS of `--help`.
enum CommandTree {
    /// `[[], ["vm"], ["vm", "create"], …]` in help order.
    static func paths(_ cli: CLI) throws -> [[String]] {
        func walk(_ path: [String]) throws -> [[String]] {
            let help = try cli.run(path + ["--help"], root: false).stdout
            return try [path] + subcommands(in: help).flatMap { try walk(path + [$0]) }
        }
        return try walk([])
    }

    /// The names under `SUBCOMMANDS:` in one help text.
    static func subcommands(in help: String) -> [String] {
        var names: [String] = []
        var inSection = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") { inSection = true; continue }
            guard inSection else { continue }
            if !line.isEmpty && !line.hasPrefix(" ") { break }
            // A name sits at two spaces; wrapped abstracts are indented further.
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else { continue }
            if name == "See" { break }
            names.append(String(name))
        }
        return names.filter { $0 != "help" }
    }
}
