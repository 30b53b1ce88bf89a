import Foundation
import SpinTestSupport

/// `qemu-system-x86_64` and `qemu-img` wrappers in a directory put first on `PATH`: each logs
/// its arguments to a file and execs the real program, so a test sees every spawn.
struct ProbeWrappers {
    /// The directory holding the wrappers.
    let directory: String
    /// One line per spawn: the program's name and its arguments.
    let log: String

    /// Writes the wrappers under `parent`.
    static func make(in parent: String) throws -> ProbeWrappers {
        let directory = parent + "/bin"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let wrappers = ProbeWrappers(directory: directory, log: parent + "/spawns.log")
        for name in ["qemu-system-x86_64", "qemu-img"] {
            guard let real = ["/usr/bin/", "/usr/local/bin/"].map({ $0 + name }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw HarnessError("\(name) is not installed; run scripts/install-deps")
            }
            let script = "#!/bin/sh\necho \"\(name) $*\" >> '\(wrappers.log)'\nexec \(real) \"$@\"\n"
            try script.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
            chmod(directory + "/" + name, 0o755)
        }
        return wrappers
    }

    /// The environment that puts the wrappers first.
    var environment: [String: String] {
        ["PATH": directory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }

    /// The spawns logged so far.
    func spawns() -> [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Forgets the spawns logged so far.
    func clear() { unlink(log) }

    /// Moves the emulator wrapper's modification time forward, as an upgrade would.
    func touchEmulator(bySeconds seconds: Int = 10) {
        let path = directory + "/qemu-system-x86_64"
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let later = timespec(tv_sec: now.tv_sec + seconds, tv_nsec: 0)
        let times = [later, later]
        utimensat(AT_FDCWD, path, times, 0)
    }
}

/// Every file under a directory with its size and modification time, to show that a command
/// changed nothing. LMDB's `lock.mdb` is listed without its time: readers take slots in it.
struct TreeSnapshot: Equatable, CustomStringConvertible {
    let entries: [String: String]

    init(_ root: String) {
        var entries: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            var info = stat()
            guard lstat(root + "/" + relative, &info) == 0 else { continue }
            let isLock = relative.hasSuffix("lock.mdb")
            entries[relative] = isLock ? "lock" : "\(info.st_mode) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        }
        self.entries = entries
    }

    var description: String { entries.keys.sorted().map { "\($0): \(entries[$0] ?? "")" }.joined(separator: "\n") }
}
