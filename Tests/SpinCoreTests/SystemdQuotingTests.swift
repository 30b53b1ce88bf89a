import Foundation
import SpinCore
import SpinTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Unit file quoting against a real systemd --user", .serialized)
struct SystemdQuotingTests {
    /// A directory name with every character that needs care in a unit file.
    static let awkward = "we ird %n %% $HOME ${X} $$ \"dq\" 'sq' back\\slash ünïcødé ☃;"
    /// The same without quotes and backslashes, which systemd refuses in executable paths.
    static let awkwardProgramDirectory = "bin %n %% $HOME ${X} $$ ünïcødé ☃;"

    static let arguments = [
        "plain", "with space", "100%", "%n", "%%", "$HOME", "${HOME}", "$$", "$", "dq\"x", "sq'x",
        "back\\slash", "trailing\\", "\\\"", "ünïcødé ☃", "", ";", "\\;", "tab\tx", "  lead and trail  ",
        "a=b", "-dash", "@at", "--opt=\"v w\"",
    ]

    @Test("systemd hands the program its argv, environment and working directory byte-exact")
    func argvArrivesExactly() async throws {
        try await withPrivateSystemdManager { harness in
            try await withSystemd(harness) { systemd in
                let directory = harness.home + "/" + Self.awkward
                let programDirectory = harness.home + "/" + Self.awkwardProgramDirectory
                for dir in [directory, programDirectory] {
                    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                }
                let script = programDirectory + "/print argv %i $0.sh"
                let output = directory + "/out $USER %u.txt"
                try """
                    #!/bin/sh
                    { printf '%s\\n' "$0" "$@"; pwd -P; printf '%s\\n' "$SPIN_OUT"; } > "$SPIN_OUT.tmp"
                    mv "$SPIN_OUT.tmp" "$SPIN_OUT"

                    """.write(toFile: script, atomically: true, encoding: .utf8)
                #expect(chmod(script, 0o755) == 0)

                let unit = UnitFile(
                    name: "spin-argv.service", description: "argv check in \(Self.awkward)",
                    execStart: [script] + Self.arguments,
                    environment: ["SPIN_OUT": output], workingDirectory: directory)
                try await install(unit, in: harness, on: systemd)
                do {
                    #expect(try await systemd.startUnit(unit.name) == .done)
                } catch {
                    Issue.record("start failed; unit file:\n\(try unit.rendered())\nsystemd log:\n\(harness.log)")
                    throw error
                }
                let done = try await waitForStatus(of: unit.name, on: systemd) { !$0.isActive && $0.activeState != "activating" }
                #expect(done.result == "success", "the script failed:\n\(harness.log)")

                let written = try #require(FileManager.default.contents(atPath: output))
                let expected = ([script] + Self.arguments + [directory, output]).joined(separator: "\n") + "\n"
                #expect(String(decoding: written, as: UTF8.self) == expected)
                #expect(Array(written) == Array(expected.utf8))
            }
        }
    }

    @Test("rewriting an identical unit changes nothing; a changed unit takes effect after reload")
    func reloadOnlyWhenChanged() async throws {
        try await withPrivateSystemdManager { harness in
            try await withSystemd(harness) { systemd in
                var unit = UnitFile(name: "spin-reload.service", description: "first", execStart: ["/bin/sh", "-c", "exit 4"])
                #expect(try UnitFileWriter.write(unit, to: harness.unitDirectory))
                try await systemd.reload()
                #expect(try !UnitFileWriter.write(unit, to: harness.unitDirectory))

                _ = try await systemd.startUnit(unit.name)
                let first = try await waitForStatus(of: unit.name, on: systemd) { $0.isFailed }
                #expect(first.execMainStatus == 4)

                unit.execStart = ["/bin/sh", "-c", "exit 5"]
                #expect(try UnitFileWriter.write(unit, to: harness.unitDirectory))
                try await systemd.reload()  // answers only once the reload is done
                try await systemd.resetFailedUnit(unit.name)
                _ = try await systemd.startUnit(unit.name)
                let second = try await waitForStatus(of: unit.name, on: systemd) { $0.isFailed }
                #expect(second.execMainStatus == 5)

                #expect(try UnitFileWriter.remove(unit.name, from: harness.unitDirectory))
                try await systemd.resetFailedUnit(unit.name)
                try await systemd.reload()
                #expect(try await systemd.status(of: unit.name).loadState == "not-found")
            }
        }
    }
}

@Suite("Unit file command lines")
struct SystemdCommandLineTests {
    @Test("a program path with $ uses the @path argv0 form; quotes in a program path are refused")
    func programPaths() throws {
        #expect(try UnitFileSyntax.commandLine(["/opt/a$b/run", "$x"], field: "ExecStart") == "\"@/opt/a$b/run\" /opt/a$$b/run $$x")
        #expect(try UnitFileSyntax.commandLine(["/opt/a b/run"], field: "ExecStart") == "\"/opt/a b/run\"")
        #expect(throws: SpinError.self) { try UnitFileSyntax.commandLine(["/opt/\"q\"/run"], field: "ExecStart") }
        #expect(throws: SpinError.self) { try UnitFileSyntax.commandLine(["/opt/back\\slash/run"], field: "ExecStart") }
    }
}
