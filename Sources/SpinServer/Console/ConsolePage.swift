import Foundation
import SpinCore

/// The HTML of the console pages. The VNC page imports noVNC's `core/rfb.js` (an ES module,
/// served under `/novnc/`) and connects to the VM's VNC WebSocket on the same origin; the
/// serial page shows the serial console as text and sends keystrokes back.
///
/// Both pages report their state for people and for tests: a status line, `document.title`
/// ending in the state, and `data-state` on `<html>` (`connecting`, `connected`,
/// `disconnected`, `failed`). The VNC page also sets `data-drawn="true"` once the screen shows
/// a pixel that is not black.
enum ConsolePage {
    /// The VNC page of `vm`.
    static func vnc(vm: VM) -> String {
        shell(title: "\(vm.name) — spin console", vm: vm, kind: .vnc, style: vncStyle, body: #"<div id="screen"></div>"#, script: vncScript)
    }

    /// A complete page around `body` and a module `script`, which sees `WS_URL` and `VM_NAME`.
    static func shell(title: String, vm: VM, kind: ConsoleKind, style: String, body: String, script: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en" data-state="connecting">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        html, body { margin: 0; height: 100%; background: #202020; color: #ddd; font: 14px sans-serif; }
        body { display: flex; flex-direction: column; }
        #bar { padding: 4px 8px; background: #333; display: flex; gap: 16px; }
        #status { font-weight: bold; }
        \(style)
        </style>
        </head>
        <body>
        <div id="bar"><span>VM \(escape(vm.name)) (id \(vm.id))</span><span id="status">connecting…</span></div>
        \(body)
        <script type="module">
        const WS_URL = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + \(json(kind.webSocketPath(vmID: vm.id)));
        const VM_NAME = \(json(vm.name));
        const TITLE = document.title;
        function report(state, detail) {
            document.documentElement.dataset.state = state;
            document.getElementById("status").textContent = detail ? state + ": " + detail : state;
            document.title = TITLE + " — " + state;
        }
        \(script)
        </script>
        </body>
        </html>
        """
    }

    static let vncStyle = "#screen { flex: 1; overflow: hidden; }"

    static let vncScript = """
        import RFB from "/novnc/core/rfb.js";
        const screen = document.getElementById("screen");
        const rfb = new RFB(screen, WS_URL, { wsProtocols: ["binary"] });
        rfb.scaleViewport = true;
        rfb.background = "#202020";
        rfb.addEventListener("connect", () => { report("connected"); rfb.focus(); watchDrawing(); });
        rfb.addEventListener("disconnect", (e) => report(e.detail.clean ? "disconnected" : "failed", e.detail.clean ? "" : "the VM is not reachable; is it running?"));
        rfb.addEventListener("securityfailure", (e) => report("failed", e.detail.reason || "security failure"));
        rfb.addEventListener("desktopname", (e) => { document.getElementById("status").title = e.detail.name; });
        // Tells tests (and people) that the guest's screen has arrived: a pixel that is not black.
        function watchDrawing() {
            const canvas = screen.querySelector("canvas");
            const timer = setInterval(() => {
                if (!canvas || canvas.width === 0) return;
                const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
                for (let i = 0; i < pixels.length; i += 4) {
                    if (pixels[i] > 32 || pixels[i + 1] > 32 || pixels[i + 2] > 32) {
                        document.documentElement.dataset.drawn = "true";
                        clearInterval(timer);
                        return;
                    }
                }
            }, 250);
        }
        """

    /// `text` with HTML's special characters escaped.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// `text` as a JavaScript string literal (JSON, with `<` escaped so it cannot end the script).
    static func json(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let data = (try? encoder.encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
    }
}
