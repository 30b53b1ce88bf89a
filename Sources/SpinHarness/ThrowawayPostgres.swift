import Foundation
import SpinQemu

/// A real PostgreSQL server for one test or benchmark, made by `scripts/throwaway-postgres`:
/// its own data directory under a short temporary directory, a unix socket only, stopped and
/// removed by ``stop()`` — or, should this process die first, by the script's watcher.
public final class ThrowawayPostgres: Sendable {
    /// The directory holding the data, the socket and the logs.
    public let directory: String
    /// The store URL (`postgresql:///spin?host=DIR&user=spin`).
    public let url: String

    private init(directory: String, url: String) {
        self.directory = directory
        self.url = url
    }

    /// Initializes and starts a new server.
    /// - Throws: ``HarnessError`` when PostgreSQL is missing or does not start.
    public static func start() async throws -> ThrowawayPostgres {
        var template = Array("/var/tmp/spg.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw HarnessError("cannot make a directory for PostgreSQL: errno \(errno)") }
        let directory = String(cString: made)
        do {
            let url = try await script("start", directory, String(getpid())).trimmingCharacters(in: .whitespacesAndNewlines)
            return ThrowawayPostgres(directory: directory, url: url)
        } catch {
            _ = try? await script("stop", directory)
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// Stops the server (fast shutdown: open connections are cut) and starts it again on the
    /// same data.
    public func restart() async throws { _ = try await Self.script("restart", directory) }

    /// Stops the server, leaving its data.
    public func pause() async throws { _ = try await Self.script("stop", directory) }

    /// Starts a paused server again.
    public func resume() async throws { _ = try await Self.script("start", directory) }

    /// Stops the server and removes its directory. Safe to call twice.
    public func stop() async {
        if FileManager.default.fileExists(atPath: directory + "/data/postmaster.pid") {
            _ = try? await Self.script("stop", directory)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The project's scripts directory, found from this source file.
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts").path

    /// Runs `scripts/throwaway-postgres ARGUMENTS…` and returns what it printed.
    private static func script(_ arguments: String...) async throws -> String {
        do {
            return try await ProcessRunner.run(scripts + "/throwaway-postgres", arguments).standardOutputText
        } catch {
            throw HarnessError("scripts/throwaway-postgres \(arguments.joined(separator: " ")) failed: \(error)")
        }
    }
}
