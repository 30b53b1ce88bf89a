import Foundation

/// Opens a URL in the user's browser: `$BROWSER` (a `:`-separated list of programs, the first
/// found wins), else `xdg-open`. Spawned with an argument array, never through a shell; its
/// output is discarded. With no browser, nothing happens.
enum BrowserOpener {
    /// Opens `url`; returns whether a browser was started.
    @discardableResult
    static func open(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let program = browser(environment: environment) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = [url]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return (try? process.run()) != nil
    }

    /// The browser program's path, if there is one.
    static func browser(environment: [String: String]) -> String? {
        let candidates = (environment["BROWSER"] ?? "").split(separator: ":").map(String.init) + ["xdg-open"]
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for candidate in candidates where !candidate.isEmpty {
            if candidate.hasPrefix("/") {
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                continue
            }
            if let found = path.map({ $0 + "/" + candidate }).first(where: FileManager.default.isExecutableFile(atPath:)) {
                return found
            }
        }
        return nil
    }
}
