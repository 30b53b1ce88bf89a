import Foundation

/// `qemu-img` for shutdown and lease tests: spin-testkit run through a symlink named `qemu-img`
/// placed first on `PATH`. Before `create` (and `convert`, with a gate) it touches
/// `SPIN_TESTKIT_QEMU_IMG_STARTED` (a path), sleeps `SPIN_TESTKIT_QEMU_IMG_DELAY` seconds
/// (`create` only) and waits until the file `SPIN_TESTKIT_QEMU_IMG_GATE` exists; then it
/// becomes the real qemu-img
/// (`SPIN_TESTKIT_REAL_QEMU_IMG`, default `/usr/bin/qemu-img`) with the same arguments. So a
/// storage command stays in flight, at a known point, for as long as a test needs.
///
/// A test whose agent runs in its own process (so it cannot give qemu-img an environment) puts
/// the symlink in a directory of its own holding a file `gated`: then `DIR/started` is the
/// marker and `DIR/open` the gate, and it also stops waiting once `gated` is gone (the test
/// removed its directory), so it never outlives the test.
enum SlowQemuImg {
    /// Whether this process was started as `qemu-img`.
    static var invoked: Bool {
        CommandLine.arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent == "qemu-img" } ?? false
    }

    static func run(_ arguments: [String]) -> Never {
        if arguments.first == "create" { gate() }
        var environment = ProcessInfo.processInfo.environment
        let directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent().path
        let gated = directory + "/gated"
        let sidecar = FileManager.default.fileExists(atPath: gated)
        if sidecar {
            environment["SPIN_TESTKIT_QEMU_IMG_STARTED"] = directory + "/started"
            environment["SPIN_TESTKIT_QEMU_IMG_GATE"] = directory + "/open"
        }
        let gate = environment["SPIN_TESTKIT_QEMU_IMG_GATE"]
        if arguments.first == "create" || (arguments.first == "convert" && gate != nil) {
            if let marker = environment["SPIN_TESTKIT_QEMU_IMG_STARTED"] {
                _ = FileManager.default.createFile(atPath: marker, contents: Data())
            }
            if arguments.first == "create", let delay = environment["SPIN_TESTKIT_QEMU_IMG_DELAY"].flatMap(Double.init) {
                Thread.sleep(forTimeInterval: delay)
            }
            if let gate {
                while !FileManager.default.fileExists(atPath: gate), !sidecar || FileManager.default.fileExists(atPath: gated) {
                    Thread.sleep(forTimeInterval: 0.02)
                }
            }
        }
        let real = environment["SPIN_TESTKIT_REAL_QEMU_IMG"] ?? "/usr/bin/qemu-img"
        var argv: [UnsafeMutablePointer<CChar>?] = ([real] + arguments).map { strdup($0) } + [nil]
        execv(real, &argv)
        fail("spin-testkit as qemu-img: cannot run \(real): \(String(cString: strerror(errno)))")
    }

    /// With a file `qemu-img.gate` beside the link, `create` touches `qemu-img.started` there
    /// and waits (up to ten minutes) for `qemu-img.go` — then it runs — or `qemu-img.fail` —
    /// then it exits 1. A test holds one create at a known point without the environment.
    static func gate() {
        guard let link = CommandLine.arguments.first else { return }
        let directory = URL(fileURLWithPath: link).deletingLastPathComponent().path
        let files = FileManager.default
        guard files.fileExists(atPath: directory + "/qemu-img.gate") else { return }
        _ = files.createFile(atPath: directory + "/qemu-img.started", contents: Data())
        for _ in 0..<30_000 {
            if files.fileExists(atPath: directory + "/qemu-img.fail") { fail("qemu-img (spin-testkit): failing as asked by qemu-img.fail") }
            if files.fileExists(atPath: directory + "/qemu-img.go") { return }
            usleep(20_000)
        }
    }
}
