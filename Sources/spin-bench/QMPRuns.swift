import Foundation
import SpinQemu

/// One client's timed run: per-call latencies and the overall rate.
struct QMPRun {
    var latenciesMicroseconds: [Double]
    var rate: Double
}

/// The clients of `spin-bench qmp`. Each connects, warms up, times `count` sequential
/// `query-status` calls, and disconnects so the next client can have the socket.
enum QMPRuns {
    static let warmup = 200

    /// The minimal blocking loop: write a line, read the reply line.
    static func raw(socket: String, count: Int) throws -> QMPRun {
        let qmp = try RawQMPSocket.open(path: socket)
        for _ in 0..<warmup { _ = try qmp.isRunning() }
        var latencies = [Double](repeating: 0, count: count)
        let begin = ContinuousClock.now
        for i in 0..<count {
            let start = ContinuousClock.now
            _ = try qmp.isRunning()
            latencies[i] = (ContinuousClock.now - start).seconds * 1e6
        }
        return QMPRun(latenciesMicroseconds: latencies, rate: Double(count) / (ContinuousClock.now - begin).seconds)
    }

    /// The raw socket with `window` requests in flight: send as replies come back.
    static func rawPipelined(socket: String, count: Int, window: Int) throws -> Double {
        let qmp = try RawQMPSocket.open(path: socket)
        let begin = ContinuousClock.now
        try qmp.pipeline(RawQMPSocket.queryStatus, count: count, window: window)
        return Double(count) / (ContinuousClock.now - begin).seconds
    }

    /// SpinQemu's client, one call after another.
    static func client(socket: String, count: Int) async throws -> QMPRun {
        let client = try await QMPClient.connect(path: socket, retryFor: .seconds(5))
        defer { client.close() }
        for _ in 0..<warmup { _ = try await client.queryStatus() }
        var latencies = [Double](repeating: 0, count: count)
        let begin = ContinuousClock.now
        for i in 0..<count {
            let start = ContinuousClock.now
            _ = try await client.queryStatus()
            latencies[i] = (ContinuousClock.now - start).seconds * 1e6
        }
        let rate = Double(count) / (ContinuousClock.now - begin).seconds
        await waitForRelease(client)
        return QMPRun(latenciesMicroseconds: latencies, rate: rate)
    }

    /// SpinQemu's client shared by `tasks` tasks calling at once.
    static func clientConcurrent(socket: String, count: Int, tasks: Int) async throws -> Double {
        let client = try await QMPClient.connect(path: socket, retryFor: .seconds(5))
        defer { client.close() }
        let begin = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for t in 0..<tasks {
                let share = count / tasks + (t < count % tasks ? 1 : 0)
                group.addTask { for _ in 0..<share { _ = try await client.queryStatus() } }
            }
            try await group.waitForAll()
        }
        let rate = Double(count) / (ContinuousClock.now - begin).seconds
        await waitForRelease(client)
        return rate
    }

    /// Closes and waits for EOF, so qemu has dropped this client before the next connects.
    private static func waitForRelease(_ client: QMPClient) async {
        client.close()
        await client.waitForDisconnect()
    }

    /// A small Python client (socket + json.loads per line, as a script would be written).
    static func python(socket: String, count: Int) async throws -> QMPRun {
        let result = try await ProcessRunner.run("/usr/bin/python3", ["-c", pythonScript, socket, String(count), String(warmup)])
        let text = result.standardOutputText
        guard let data = text.data(using: .utf8),
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let latencies = object["latencies_us"] as? [Double], let total = object["total_s"] as? Double
        else { throw BenchError("python client printed: \(text) \(result.standardErrorText)") }
        return QMPRun(latenciesMicroseconds: latencies, rate: Double(count) / total)
    }

    static let pythonScript = #"""
        import json, socket, sys, time
        path, count, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        f = s.makefile("rb")
        def call(line):
            s.sendall(line)
            while True:
                reply = json.loads(f.readline())
                if "return" in reply or "error" in reply:
                    return reply
        json.loads(f.readline())
        call(b'{"execute":"qmp_capabilities"}\n')
        cmd = b'{"execute":"query-status"}\n'
        for _ in range(warmup):
            call(cmd)
        lat = []
        t0 = time.perf_counter()
        for _ in range(count):
            a = time.perf_counter()
            call(cmd)
            lat.append((time.perf_counter() - a) * 1e6)
        total = time.perf_counter() - t0
        print(json.dumps({"latencies_us": lat, "total_s": total}))
        """#
}
