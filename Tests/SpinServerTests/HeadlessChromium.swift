import AsyncHTTPClient
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore

/// Debian's `chromium`, headless, driven over the DevTools protocol (a WebSocket): load a
/// page, wait until a JavaScript condition holds, take a screenshot. Waiting on the page's own
/// state is what makes this reliable on a slow machine, where fixed budgets are not.
struct HeadlessChromium {
    /// What the page reported last, and the screenshot (PNG) once the condition held.
    struct Outcome: Sendable {
        var report: String
        var screenshot: Data?
    }

    static let executable = "/usr/bin/chromium"

    /// Loads `url` in a `width`×`height` window, polls `probe` (a JavaScript expression giving
    /// a string) until `done(report)` or `timeout`, then screenshots the page.
    static func capture(url: String, width: Int, height: Int, probe: String, timeout: Duration, done: @escaping @Sendable (String) -> Bool) async throws -> Outcome {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw FixtureError("\(executable) is missing; scripts/install-deps installs Debian's chromium")
        }
        var template = Array("/tmp/spin-chromium.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw FixtureError("mkdtemp failed") }
        let profile = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // Root needs --no-sandbox; loopback DevTools on a port chromium picks.
        process.arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--hide-scrollbars", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--remote-allow-origins=*",
            "--user-data-dir=\(profile)", "--window-size=\(width),\(height)", url,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            process.waitUntilExit()
        }
        let port = try await devToolsPort(profile: profile)
        let socketURL = try await pageSocket(port: port, url: url)
        let box = OutcomeBox()
        var configuration = WebSocketClientConfiguration()
        configuration.maxFrameSize = 1 << 26
        let logger = Logger(label: "chromium-devtools")
        try await WebSocketClient.connect(url: socketURL, configuration: configuration, logger: logger) { inbound, outbound, _ in
            var session = DevToolsSession(messages: inbound.messages(maxSize: 1 << 26).makeAsyncIterator(), outbound: outbound)
            let deadline = ContinuousClock.now + timeout
            var report = ""
            while ContinuousClock.now < deadline {
                report = try await session.evaluate(probe)
                box.set(report: report)
                if done(report) { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            guard done(report) else { return }
            let shot = try await session.call("Page.captureScreenshot", ["format": "png"])
            box.set(screenshot: (shot["data"] as? String).flatMap { Data(base64Encoded: $0) })
            try await outbound.close(.normalClosure, reason: nil)
        }
        return box.outcome
    }

    /// The DevTools port chromium wrote to `DevToolsActivePort` in its profile.
    private static func devToolsPort(profile: String) async throws -> Int {
        for _ in 0..<600 {
            if let text = try? String(contentsOfFile: profile + "/DevToolsActivePort", encoding: .utf8),
                let line = text.split(separator: "\n").first, let port = Int(line) {
                return port
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw FixtureError("chromium did not open its DevTools port within 60 s")
    }

    /// The DevTools WebSocket of the page showing `url` (or, after a redirect, the only page).
    private static func pageSocket(port: Int, url: String) async throws -> String {
        for _ in 0..<100 {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/json/list"), timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            let targets = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [[String: Any]] ?? []
            if let page = targets.first(where: { $0["type"] as? String == "page" }), let socket = page["webSocketDebuggerUrl"] as? String {
                return socket
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw FixtureError("chromium shows no page for \(url)")
    }
}
