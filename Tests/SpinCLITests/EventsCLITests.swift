import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// `spin events` and `spin vm get --watch` embedded: VM state changes made by another spin
/// process show up, one JSON object per line.
@Suite("spin events and vm get --watch on this host", .serialized)
struct EventsCLITests {
    @Test("a start by another process shows in vm get --watch and in spin events VM")
    func watchEmbedded() async throws {
        let guests = try TestGuests.locate()
        try await CLI.with { cli in
            defer { LifecycleCLITests.cleanUp(cli) }
            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["vm", "create", "web", "vol"] + guests.directBootOptions)

            let watcher = try ChildProcess(["vm", "get", "web", "--watch", "--format", "json", "--root", cli.root])
            defer { watcher.stop() }
            let events = try ChildProcess(["events", "web", "--format", "json", "--root", cli.root])
            defer { events.stop() }
            let first = try #require(await watcher.waitForLine { $0.hasPrefix("{") }, "watch printed nothing: \(watcher.text)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
            #expect((document["vm"] as? [String: Any])?["name"] as? String == "web")
            // The first sweep only learns the current state; give both a moment to make it.
            try await Task.sleep(for: .milliseconds(1500))

            try cli.ok(["start", "web"])
            let running: (String) -> Bool = { $0.contains("\"kind\":\"vm.state\"") && $0.contains("\"state\":\"running\"") }
            #expect(await watcher.waitForLine(timeout: .seconds(10), running) != nil, "watch: \(watcher.text)")
            #expect(await events.waitForLine(timeout: .seconds(10), running) != nil, "events: \(events.text)")
            try cli.ok(["stop", "web", "--timeout", "1"])
        }
    }
}
