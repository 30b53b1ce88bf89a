import SpinCore

extension ConsolePage {
    /// The serial page of `vm`: the console's output as text, keystrokes sent back.
    static func serial(vm: VM) -> String {
        shell(title: "\(vm.name) — spin serial console", vm: vm, kind: .serial, style: serialStyle, body: #"<pre id="out" tabindex="0"></pre>"#, script: serialScript)
    }

    static let serialStyle = """
        #out { flex: 1; margin: 0; padding: 8px; overflow-y: auto; white-space: pre-wrap; word-break: break-all;
               font: 14px monospace; background: #000; color: #ccc; outline: none; }
        """

    static let serialScript = #"""
        const out = document.getElementById("out");
        const decoder = new TextDecoder();
        const encoder = new TextEncoder();
        let text = "";
        const ws = new WebSocket(WS_URL);
        ws.binaryType = "arraybuffer";
        ws.onopen = () => { report("connected"); out.focus(); };
        ws.onclose = (e) => report(e.wasClean ? "disconnected" : "failed", e.wasClean ? "" : "the VM is not reachable; is it running?");
        ws.onmessage = (e) => {
            text += decoder.decode(new Uint8Array(e.data), { stream: true });
            // A plain view: drop terminal escape sequences and carriage returns, apply backspaces.
            text = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
            while (/[^\n]\x08/.test(text)) text = text.replace(/[^\n]\x08/, "");
            if (text.length > 200000) text = text.slice(-150000);
            out.textContent = text;
            out.scrollTop = out.scrollHeight;
        };
        const keys = { Enter: "\r", Backspace: "\x7f", Tab: "\t", Escape: "\x1b",
                       ArrowUp: "\x1b[A", ArrowDown: "\x1b[B", ArrowRight: "\x1b[C", ArrowLeft: "\x1b[D" };
        out.addEventListener("keydown", (e) => {
            let send = null;
            if (e.ctrlKey && e.key.length === 1 && /[a-z@\[\]\\^_]/i.test(e.key)) {
                send = String.fromCharCode(e.key.toUpperCase().charCodeAt(0) & 0x1f);
            } else if (keys[e.key]) {
                send = keys[e.key];
            } else if (e.key.length === 1 && !e.metaKey) {
                send = e.key;
            }
            if (send !== null && ws.readyState === WebSocket.OPEN) {
                ws.send(encoder.encode(send));
                e.preventDefault();
            }
        });
        out.addEventListener("paste", (e) => {
            const pasted = e.clipboardData.getData("text");
            if (pasted && ws.readyState === WebSocket.OPEN) ws.send(encoder.encode(pasted.replace(/\n/g, "\r")));
            e.preventDefault();
        });
        """#
}
