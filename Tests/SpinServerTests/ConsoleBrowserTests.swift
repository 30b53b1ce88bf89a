import Foundation
import SpinCore
import SpinQemu
import SpinServer
import SpinTestSupport
import Testing

@Suite("Browser: headless Chromium shows a guest's screen on the console page", .serialized)
struct ConsoleBrowserTests {
    /// Where the last screenshot and the guest's own screendump are kept, for people to look at.
    static let artifacts = ProcessInfo.processInfo.environment["SPIN_CONSOLE_ARTIFACTS"] ?? "/tmp/spin-console-artifacts"

    @Test("the console page, opened over TCP with ?token=, connects and its screenshot matches qemu's screendump of the guest")
    func screenshotShowsGuest() async throws {
        try await ServerFixture.with { fixture in
            let port = try Loopback.freePort()
            let server = try await LiveServer.start(fixture, listen: .tcp(host: "127.0.0.1", port: port), token: "tok")
            defer { Task { await server.stop() } }
            let vm = try await fixture.bootGuest("web", append: ServerFixture.appendWithScreen)
            let probe = #"JSON.stringify({state: document.documentElement.dataset.state || "", drawn: document.documentElement.dataset.drawn || "", title: document.title, href: location.href})"#
            let outcome = try await HeadlessChromium.capture(
                url: "http://127.0.0.1:\(port)/console/web?token=tok", width: 1024, height: 768, probe: probe, timeout: .seconds(90)
            ) { report in report.contains(#""state":"connected""#) && report.contains(#""drawn":"true""#) }
            try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
            let screenshot = Self.artifacts + "/console-page.png"
            let dump = Self.artifacts + "/guest-screendump.ppm"
            let png = try #require(outcome.screenshot, "the page never reported connected and drawn; last report: \(outcome.report)")
            try png.write(to: URL(fileURLWithPath: screenshot))
            // The token left the address bar: the page redirected to itself without it.
            #expect(outcome.report.contains(#""href":"http://127.0.0.1:\#(port)/console/web""#))
            #expect(outcome.report.contains("connected"))

            unlink(dump)
            // qemu writes the dump with its own user's rights (spin-qemu when the tests run as
            // root): into the VM's runtime directory, which is that user's; then it is kept.
            let paths = RuntimePaths(root: fixture.root, vmID: vm.id)
            let fresh = paths.runtimeDirectory + "/screendump.ppm"
            let qmp = try await QMPClient.connect(path: paths.qmpSocket)
            try await qmp.screendump(filename: fresh)
            qmp.close()
            try FileManager.default.moveItem(atPath: fresh, toPath: dump)
            let guest = try PixelMap(ppm: try Data(contentsOf: URL(fileURLWithPath: dump)))
            let page = try PixelMap.decodePNG(at: screenshot)

            // The guest's screen is black with text; the page around it is lighter, so the
            // pure-black rectangle is the guest's canvas.
            let canvas = try #require(page.darkBounds(below: 12), "no black guest screen in the screenshot")
            #expect(canvas.width * canvas.height * 5 >= page.width * page.height, "the guest's screen covers too little of the page: \(canvas)")
            let guestGrid = guest.brightGrid(columns: 16, rows: 10)
            let pageGrid = page.brightGrid(columns: 16, rows: 10, in: canvas)
            let guestText = guestGrid.reduce(0, +) / Double(guestGrid.count)
            let pageText = pageGrid.reduce(0, +) / Double(pageGrid.count)
            #expect(guestText > 0.005, "the guest's own screen shows no text; is console=tty0 on its command line?")
            #expect(pageText > guestText / 3 && pageText < guestText * 3, "text share: page \(pageText), guest \(guestText)")
            let correlation = PixelMap.correlation(guestGrid, pageGrid)
            #expect(correlation > 0.7, "the page's screen does not look like the guest's (correlation \(correlation))")
            await server.stop()
        }
    }

    @Test("the serial page, opened over TCP with ?token=, sends keystrokes to the guest's shell and shows its answer")
    func serialPageRunsACommand() async throws {
        try await ServerFixture.with { fixture in
            let port = try Loopback.freePort()
            let server = try await LiveServer.start(fixture, listen: .tcp(host: "127.0.0.1", port: port), token: "tok")
            defer { Task { await server.stop() } }
            _ = try await fixture.bootGuest("web")
            // Each poll: once connected, type the command as key presses (again every few
            // polls, in case the shell was not reading yet), and report the page's text.
            let probe = #"""
                (() => {
                  const d = document.documentElement.dataset, out = document.getElementById("out");
                  window.polls = (window.polls || 0) + 1;
                  if (d.state === "connected" && window.polls % 6 === 1) {
                    for (const key of [..."echo page-$((6*7))", "Enter"]) out.dispatchEvent(new KeyboardEvent("keydown", {key}));
                  }
                  return JSON.stringify({state: d.state || "", text: out ? out.textContent.slice(-3000) : ""});
                })()
                """#
            let outcome = try await HeadlessChromium.capture(
                url: "http://127.0.0.1:\(port)/console/web/serial?token=tok", width: 900, height: 500, probe: probe, timeout: .seconds(60)
            ) { report in report.contains("page-42") }
            #expect(outcome.report.contains("page-42"), "the serial page never showed the command's output: \(outcome.report)")
            if let png = outcome.screenshot {
                try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
                try png.write(to: URL(fileURLWithPath: Self.artifacts + "/serial-page.png"))
            }
            await server.stop()
        }
    }
}
