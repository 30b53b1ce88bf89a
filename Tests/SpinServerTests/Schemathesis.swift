import Foundation

/// One schemathesis run: the argv, a hard time limit, what it printed, and its JUnit report.
struct Schemathesis: Sendable {
    static let executable = "/var/tmp/spin-venv/bin/schemathesis"

    /// Path parameters that name the fixture's VM, volume and image; the long polls and the
    /// event stream bounded so that each request ends quickly (they are fuzzed otherwise
    /// like every operation). Statuses the document declares and the checks would otherwise
    /// count against the server:
    /// - `positive_data_acceptance` also accepts 422: valid input whose action the host could
    ///   not carry out (qemu cannot allocate 16 TiB of guest memory, a fuzzed port is taken,
    ///   a 1 PiB raw image does not fit the file system). 400 stays a failure: the document
    ///   states every rule the server enforces.
    /// - `not_a_server_error` accepts 504: an action still running when the server's wait
    ///   ended (a stop waiting out a guest's stop timeout), named in the answer.
    static let config = """
        request-timeout = 20

        [parameters]
        "path.ref" = "1"
        "path.volume" = "vol1"
        "path.name" = "a.qcow2"

        [checks.positive_data_acceptance]
        expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]

        [checks.not_a_server_error]
        expected-statuses = ["2xx", "3xx", "4xx", "504"]

        [[operations]]
        include-operation-id = ["getVolume", "deleteVolume"]
        parameters = { "path.name" = "vol1" }

        [[operations]]
        include-operation-id = ["getNetwork", "deleteNetwork"]
        parameters = { "path.name" = "net1" }

        [[operations]]
        include-operation-id = "getEvents"
        request-timeout = 2

        [[operations]]
        include-operation-id = "waitForPackage"
        parameters = { "query.timeoutSeconds" = 1 }

        [[operations]]
        include-operation-id = "nextCommand"
        parameters = { "query.waitSeconds" = 0 }
        """

    let baseURL: String
    let token: String
    let configPath: String
    let reportDirectory: String
    var maxExamples = 10

    /// One worker: with two, Debian's Python 3.11.2 sometimes fails inside hypothesis
    /// ("AST constructor recursion depth mismatch") in the coverage phase.
    var arguments: [String] {
        [
            "--config-file", configPath, "--no-color",
            "run", baseURL + "/openapi.yaml", "--url", baseURL,
            "--header", "Authorization: Bearer \(token)",
            "--checks", "all",
            "--max-examples", String(maxExamples),
            "--phases", "examples,coverage,fuzzing",
            "--seed", "7",
            "--workers", "1",
            "--report", "junit", "--report-dir", reportDirectory,
            "--output-truncate", "true",
        ]
    }

    struct Result: Sendable {
        var finished: Bool
        var exitStatus: Int32?
        var output: String
    }

    /// What the JUnit report says: the operations exercised (not skipped), failures and errors.
    struct Report: Sendable {
        var testedOperations: Set<String> = []
        var failures = 0
        var errors = 0

        init(directory: String) {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files where file.hasSuffix(".xml") {
                guard let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) else { continue }
                for chunk in text.components(separatedBy: "<testcase ").dropFirst() {
                    let testcase = chunk.components(separatedBy: "</testcase>")[0]
                    if let name = Self.attribute("name", in: chunk), !testcase.contains("<skipped") { testedOperations.insert(name) }
                    failures += chunk.components(separatedBy: "<failure").count - 1
                    errors += chunk.components(separatedBy: "<error").count - 1
                }
            }
        }

        static func attribute(_ name: String, in text: String) -> String? {
            guard let start = text.range(of: name + "=\"") else { return nil }
            guard let end = text[start.upperBound...].firstIndex(of: "\"") else { return nil }
            return String(text[start.upperBound..<end])
        }
    }

    /// The document's operations as schemathesis names them (`GET /v1/vms`).
    static func documentOperations() throws -> [String] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/SpinAPI/openapi.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        var operations: [String] = []
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("components:") { break }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "put", "post", "delete", "patch"].contains(method) { operations.append("\(method.uppercased()) \(path)") }
            }
        }
        return operations
    }

    /// Runs schemathesis, its output in `outputPath`; when `timeout` passes first,
    /// ``FuzzWatchdog`` interrupts it, kills the qemus under `qemuDirectory`, and kills it.
    func run(timeout: Duration, outputPath: String, qemuDirectory: String) async -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1", "PYTHONUNBUFFERED": "1"]) { $1 }
        guard FileManager.default.createFile(atPath: outputPath, contents: nil), let output = FileHandle(forWritingAtPath: outputPath) else {
            return Result(finished: false, exitStatus: nil, output: "cannot create \(outputPath)")
        }
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return Result(finished: false, exitStatus: nil, output: "cannot run \(Self.executable): \(error)")
        }
        let watchdog = FuzzWatchdog(limit: timeout, pid: process.processIdentifier, qemuDirectory: qemuDirectory)
        // Not on the task pool: a stuck pool must not keep the wait from ending.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume()
            }
        }
        watchdog.cancel()
        let finished = !watchdog.didFire
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Result(finished: finished, exitStatus: process.terminationStatus, output: text)
    }
}
