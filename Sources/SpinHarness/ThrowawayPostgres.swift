import Foundation

/// A real PostgreSQL server for one test or benchmark, made by `scripts/throwaway-postgres`:
/// its own data directory under a short temporary directory, a unix socket only, stopped and
/// removed by ``stop()``.
public final class ThrowawayPostgres: Sendable {
    /// The directory holding the data, the socket and the logs.
    public let directory: String
    /// The store URL (`postgresql:///spin?host=DIR&user=spin`).
    public let url: String

    /// Initializes and starts a new server.
    /// - Throws: ``HarnessError`` when PostgreSQL is missing or does not start.
    public init() throws {
        var template = Array("/var/tmp/spg.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw HarnessError("cannot make a directory for PostgreSQL: errno \(errno)") }
        directory = String(cString: made)
        do {
            url = try Self.script("start", directory).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// Stops the server (fast shutdown: open connections are cut, as in a crash of the
    /// clients' side) and starts it again on the same data.
    public func restart() throws { _ = try Self.script("restart", directory) }

    /// Stops the server, leaving its data.
    public func pause() throws { _ = try Self.script("stop", directory) }

    /// Starts a paused server again.
    public func resume() throws { _ = try Self.script("start", directory) }

    /// Stops the server and removes its directory. Safe to call twice.
    public func stop() {
        if FileManager.default.fileExists(atPath: directory + "/data/postmaster.pid") {
            _ = try? Self.script("stop", directory)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The project's scripts directory, found from this source file.
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts").path

    /// Runs `scripts/throwaway-postgres VERB DIR` and returns what it printed.
    private static func script(_ verb: String, _ directory: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: scripts + "/throwaway-postgres")
        process.arguments = [verb, directory]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaint = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HarnessError("scripts/throwaway-postgres \(verb) failed (\(process.terminationStatus)): \(String(decoding: complaint, as: UTF8.self))")
        }
        return String(decoding: printed, as: UTF8.self)
    }
}
