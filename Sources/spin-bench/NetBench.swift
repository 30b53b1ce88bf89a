import ArgumentParser
import Foundation
import SpinCore
import SpinHarness
import SpinQemu

/// `spin-bench net`: VM-to-VM TCP on a managed network's bridge against the same two guests
/// over qemu's user-mode NAT with a port forward (guest → 10.0.2.2:PORT → host loopback → the
/// other guest's forward), in one run, inside a network namespace the benchmark makes.
///
/// Two busybox test guests, each with a user-mode NIC and a NIC on the bridge. The server
/// guest's httpd serves a file of `--megabytes` MiB; the client guest pulls it with `wget`
/// (throughput) and fetches the index page `--requests` times in a loop (latency per
/// request, each a new TCP connection and a new `wget` process; the same loop against the
/// client's own httpd on 127.0.0.1 is the guest-side floor). A busybox `nc` echo server on
/// the server guest answers `--round-trips` lines sent one at a time over one connection by
/// the client's shell builtins (no process per exchange): the TCP round trip; the same with
/// an echo server on the client itself is that loop's floor. Commands go in through the
/// guests' serial consoles; times are taken on the host from sending a command to its end
/// marker.
struct NetBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "net",
        abstract: "VM-to-VM TCP throughput and latency: managed bridge vs user-mode NAT with port forwards, same guests, same run.",
        discussion: "Needs root, the spin binary next to spin-bench and the busybox test guest (scripts/build-test-guests). Everything runs in a network namespace the benchmark makes and removes."
    )

    @Option(help: "Measurements of each kind (alternating bridge and user-mode).") var rounds = 3
    @Option(help: "Size of the file pulled for throughput, in MiB.") var megabytes = 32
    @Option(help: "Requests in the HTTP latency loop.") var requests = 50
    @Option(help: "Line exchanges on one TCP connection (nc echo) for the round-trip time.") var roundTrips = 1000
    @Flag(help: "Print the table as Markdown.") var markdown = false

    /// The host port the server guest's port 80 is forwarded to (inside the namespace).
    static let forwardPort = 18080
    /// The host port the server guest's echo port (7) is forwarded to.
    static let echoForwardPort = 17007

    func run() async throws {
        guard getuid() == 0 else { throw BenchError("spin-bench net needs root (a bridge, taps and dnsmasq in a network namespace)") }
        let guests = try BenchGuests.locate()
        let binary = try ManyStartBench.spinBinary()
        let namespace = try NetworkNamespace.make(prefix: "spin-bench-")
        let directory = try makeBenchDirectory("net")
        let cli = NamespacedCLI(binary: binary, root: directory + "/root", namespace: namespace)
        do {
            try await measure(cli, guests: guests, directory: directory)
        } catch {
            await cleanUp(cli, namespace: namespace, directory: directory)
            throw error
        }
        await cleanUp(cli, namespace: namespace, directory: directory)
    }

    private func cleanUp(_ cli: NamespacedCLI, namespace: NetworkNamespace, directory: String) async {
        for vm in ["srv", "cli"] { _ = try? await cli.run(["stop", vm, "--timeout", "0"]) }
        namespace.remove()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func measure(_ cli: NamespacedCLI, guests: BenchGuests, directory: String) async throws {
        try await cli.run(["volume", "create", "vol", directory + "/vol"])
        try await cli.run(["network", "create", "benchnet", "--subnet", "10.79.0.0/24"])
        let common = ["vol", "-s", "16M", "-c", "1", "-m", "256", "--kernel", guests.kernel, "--initrd", guests.initrd,
                      "--append", "console=ttyS0 panic=-1 quiet", "--network", "benchnet", "--no-seed"]
        try await cli.run(["vm", "create", "srv"] + common + ["-p", "80:127.0.0.1:\(Self.forwardPort)", "-p", "7:127.0.0.1:\(Self.echoForwardPort)"])
        try await cli.run(["vm", "create", "cli"] + common)
        for vm in ["srv", "cli"] { try await cli.run(["start", vm]) }
        let server = try await BenchGuest.attach("srv", cli: cli)
        let client = try await BenchGuest.attach("cli", cli: cli)
        try client.shell.run("true")
        print(try await cli.accelerator("cli"))
        try server.shell.run("dd if=/dev/zero of=/www/big bs=1M count=\(megabytes) 2>/dev/null")
        for guest in [server, client] { try guest.shell.run("(setsid nc -ll -p 7 -e /bin/cat </dev/null >/dev/null 2>&1 &)") }

        let bridgeURL = "http://\(server.address)", userURL = "http://10.0.2.2:\(Self.forwardPort)"
        for url in [bridgeURL, userURL] {
            let page = try client.shell.run("wget -q -O - \(url)/index.html")
            guard page.contains("spin test guest") else { throw BenchError("the client guest cannot reach \(url): \(page.suffix(200))") }
        }
        var pull = (bridge: Samples(), user: Samples()), latency = (bridge: Samples(), user: Samples(), local: Samples())
        var echo = (bridge: Samples(), user: Samples(), local: Samples())
        for round in 0..<rounds {
            pull.bridge.add(try time(client, "wget -q -O /dev/null \(bridgeURL)/big"))
            pull.user.add(try time(client, "wget -q -O /dev/null \(userURL)/big"))
            latency.bridge.add(try time(client, loop("\(bridgeURL)/index.html")) / Double(requests))
            latency.user.add(try time(client, loop("\(userURL)/index.html")) / Double(requests))
            latency.local.add(try time(client, loop("http://127.0.0.1/index.html")) / Double(requests))
            echo.bridge.add(try time(client, echoLoop(server.address, 7)) / Double(roundTrips))
            echo.user.add(try time(client, echoLoop("10.0.2.2", Self.echoForwardPort)) / Double(roundTrips))
            echo.local.add(try time(client, echoLoop("127.0.0.1", 7)) / Double(roundTrips))
            print("round \(round + 1): pull bridge \(formatMilliseconds(pull.bridge.values.last ?? .nan)) ms, user \(formatMilliseconds(pull.user.values.last ?? .nan)) ms; request bridge \(formatMilliseconds(latency.bridge.values.last ?? .nan)) ms, user \(formatMilliseconds(latency.user.values.last ?? .nan)) ms, local \(formatMilliseconds(latency.local.values.last ?? .nan)) ms; round trip bridge \(formatMilliseconds(echo.bridge.values.last ?? .nan)) ms, user \(formatMilliseconds(echo.user.values.last ?? .nan)) ms")
        }
        let mbps = { (ms: Double) in Double(megabytes) / (ms / 1000) }
        var table = BenchTable(header: ["what (median of \(rounds))", "bridge", "user-mode NAT", "bridge / user"])
        table.add(["throughput, MiB/s (\(megabytes) MiB by wget)", String(format: "%.1f", mbps(pull.bridge.median)),
                   String(format: "%.1f", mbps(pull.user.median)), formatRatio(mbps(pull.bridge.median) / mbps(pull.user.median))])
        table.add(["latency, ms per request (new TCP connection + wget)", formatMilliseconds(latency.bridge.median),
                   formatMilliseconds(latency.user.median), formatRatio(latency.bridge.median / latency.user.median)])
        table.add(["same loop against the guest's own 127.0.0.1 (floor)", formatMilliseconds(latency.local.median), "", ""])
        table.add(["TCP round trip, ms (one connection, \(roundTrips) lines echoed)", formatMilliseconds(echo.bridge.median),
                   formatMilliseconds(echo.user.median), formatRatio(echo.bridge.median / echo.user.median)])
        table.add(["same exchange with the guest's own 127.0.0.1 (floor)", formatMilliseconds(echo.local.median), "", ""])
        print("")
        print(table.render(markdown: markdown))
    }

    /// `requests` sequential fetches of `url`.
    private func loop(_ url: String) -> String {
        "i=0; while [ $i -lt \(requests) ]; do wget -q -O /dev/null \(url) || break; i=$((i+1)); done; [ $i -eq \(requests) ]"
    }

    /// `roundTrips` lines written and read back one at a time over one `nc` connection, by
    /// shell builtins through two FIFOs (the shell spawns nothing per exchange).
    private func echoLoop(_ host: String, _ port: Int) -> String {
        "rm -f /tmp/q /tmp/r; mkfifo /tmp/q /tmp/r; (nc \(host) \(port) </tmp/q >/tmp/r &); exec 3>/tmp/q 4</tmp/r; "
            + "i=0; while [ $i -lt \(roundTrips) ] && echo ping >&3 && read -r line <&4; do i=$((i+1)); done; exec 3>&- 4<&-; [ $i -eq \(roundTrips) ]"
    }

    /// Milliseconds from sending `command` to its end marker; throws when it failed.
    private func time(_ guest: BenchGuest, _ command: String) throws -> Double {
        let start = ContinuousClock.now
        let output = try guest.shell.run(command + " || echo FAIL$((1))ED", timeout: .seconds(600))
        let elapsed = milliseconds(since: start)
        if output.contains("FAIL1ED") { throw BenchError("\(command) failed in guest \(guest.name): \(output.suffix(300))") }
        return elapsed
    }
}
