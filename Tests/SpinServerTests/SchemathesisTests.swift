import Foundation
import SpinCore
import SpinQemu
import SpinServer
import SpinTestSupport
import Testing

/// schemathesis (PyPI, pinned by `scripts/install-deps` into `/var/tmp/spin-venv`) fuzzes
/// every operation of the served OpenAPI document against a live server over TCP with the
/// token, and checks that no response is a 5xx, and that every status, content type and body
/// is one the document declares.
@Suite("Live: schemathesis fuzzes the served OpenAPI document", .serialized)
struct SchemathesisTests {
    @Test("no operation answers a 5xx or anything the document does not declare")
    func fuzzDocument() async throws {
        let executable = Schemathesis.executable
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            Issue.record("schemathesis is missing at \(executable); run scripts/install-deps")
            return
        }
        try await ServerFixture.with { fixture in
            let port = try Loopback.freePort()
            let token = "schemathesis-token"
            let server = try await LiveServer.start(fixture, listen: .tcp(host: "127.0.0.1", port: port), token: token)
            // A VM, a volume and an image that the config names, so operations on them reach
            // past "not found".
            _ = try await fixture.spin.createVM(VMSpec(name: "vm1"))
            _ = try await fixture.spin.createVolume(name: "vol1")
            _ = try await fixture.spin.createImage(.init(volume: "vol1", name: "a.qcow2", sizeBytes: 1 << 20))
            let config = fixture.directory + "/schemathesis.toml"
            try Schemathesis.config.write(toFile: config, atomically: true, encoding: .utf8)
            let run = Schemathesis(baseURL: "http://127.0.0.1:\(port)", token: token, configPath: config)
            let result = await run.run(timeout: .seconds(150))
            await server.stop()
            let output = result.output
            #expect(result.finished, "schemathesis did not finish within its time limit:\n\(output)")
            #expect(result.exitStatus == 0, "schemathesis found problems:\n\(output)")
            #expect(output.contains(" passed"), "schemathesis tested nothing:\n\(output)")
        }
    }
}

/// One schemathesis run: the argv, a hard time limit, and what it printed.
struct Schemathesis: Sendable {
    static let executable = "/var/tmp/spin-venv/bin/schemathesis"

    /// Operations left out, and why:
    /// - `createVolume`: a fuzzed `path` would create directories anywhere on the host (the
    ///   server runs as root); the live tests cover it with paths under a temporary root.
    /// - `addCommand`, `enqueuePackage`: commands carry raw host paths (`volumePath`) for the
    ///   agents, by design the "blow-your-foot-off" API; fuzzed ones would create and delete
    ///   files anywhere. The router tests cover their validation.
    /// - `startVM`, `restartVM`, `resumeVM`: they launch qemu with fuzzed port forwards (host
    ///   ports on any address) and memory sizes, and wait for the guest; the system tests
    ///   cover them with real guests.
    /// - `waitForPackage`, `nextCommand`, `getEvents`: long polls and a stream that last up
    ///   to an hour by design; the router and live tests cover them.
    static let excludedOperations = [
        "createVolume", "addCommand", "enqueuePackage", "startVM", "restartVM", "resumeVM",
        "waitForPackage", "nextCommand", "getEvents",
    ]

    static let checks = ["not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance"]

    /// Path parameters that name the fixture's VM, volume and image.
    static let config = """
        [parameters]
        "path.ref" = "1"
        "path.volume" = "vol1"
        "path.name" = "a.qcow2"
        """

    let baseURL: String
    let token: String
    let configPath: String
    var maxExamples = 25

    /// One worker: with two, Debian's Python 3.11.2 sometimes fails inside hypothesis
    /// ("AST constructor recursion depth mismatch") in the coverage phase.
    var arguments: [String] {
        var arguments = [
            "--config-file", configPath, "--no-color",
            "run", baseURL + "/openapi.yaml", "--url", baseURL,
            "--header", "Authorization: Bearer \(token)",
            "--checks", Self.checks.joined(separator: ","),
            "--max-examples", String(maxExamples),
            "--phases", "examples,coverage,fuzzing",
            "--seed", "7",
            "--workers", "1",
            "--request-timeout", "20",
            "--output-truncate", "true",
        ]
        for operation in Self.excludedOperations { arguments += ["--exclude-operation-id", operation] }
        return arguments
    }

    struct Result: Sendable {
        var finished: Bool
        var exitStatus: Int32?
        var output: String
    }

    /// Runs schemathesis; stops it (SIGTERM) when `timeout` passes first.
    func run(timeout: Duration) async -> Result {
        let executable = Self.executable
        let arguments = arguments
        let environment = ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1", "PYTHONUNBUFFERED": "1"]) { $1 }
        return await withTaskGroup(of: Result?.self) { group in
            group.addTask {
                do {
                    let outcome = try await ProcessRunner.run(executable, arguments, environment: environment, check: false)
                    let status: Int32? = if case .exited(let code) = outcome.termination { code } else { nil }
                    return Result(finished: !Task.isCancelled, exitStatus: status, output: outcome.standardOutputText + outcome.standardErrorText)
                } catch {
                    return Result(finished: false, exitStatus: nil, output: "cannot run \(executable): \(error)")
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            var result = Result(finished: false, exitStatus: nil, output: "")
            while let next = await group.next() {
                if let next {
                    result = next
                    break
                }
                group.cancelAll()  // the time limit: ProcessRunner sends SIGTERM
            }
            group.cancelAll()
            return result
        }
    }
}
