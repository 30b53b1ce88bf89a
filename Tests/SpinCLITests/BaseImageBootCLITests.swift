import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// A real guest on an overlay: the busybox test guest (kernel and initramfs only) boots with a
/// `vm create --from` overlay as its disk; its shell on the serial console reads the base's
/// bytes through the overlay, and sees the size the overlay was grown to.
@Suite("spin vm create --from with a real guest", .serialized)
struct BaseImageBootCLITests {
    @Test("the guest reads the base through its overlay (qemu opens the base read-only, as the qemu user when spin is root)")
    func bootOnOverlay() async throws {
        let guests = try TestGuests.locate()
        try await CLI.with { cli in
            defer { LifecycleCLITests.cleanUp(cli) }
            try cli.ok(["volume", "create", "vol"])
            try HostTool.writeRaw(cli.directory + "/base.img", size: 64 << 20, marker: "SPIN-BASE-MARKER")
            try cli.ok(["image", "import", "vol", "base.raw", cli.directory + "/base.img", "--base"])
            try cli.ok(["vm", "create", "web", "vol", "--from", "vol/base.raw", "--disk-size", "128M", "-c", "1", "-m", "256",
                        "--kernel", guests.kernel, "--initrd", guests.initrd, "--append", TestGuests.append])
            try cli.ok(["start", "web"])
            let ready = await Loopback.waitUntil(timeout: .seconds(90), every: .milliseconds(250)) {
                ((try? cli.run(["console", "web", "--log"]))?.stdout ?? "").contains(TestGuests.readyMarker)
            }
            #expect(ready, "no ready line: \((try? cli.run(["console", "web", "--log"]))?.stdout ?? "")")

            let socket = RuntimePaths(root: SpinRoot(explicit: cli.root), vmID: 1).serialSocket
            try SerialLine.send("echo DISK=$(head -c 16 /dev/vda)=$(cat /sys/block/vda/size)=END\n", to: socket)
            var log = ""
            let answered = await Loopback.waitUntil(timeout: .seconds(30), every: .milliseconds(250)) {
                log = (try? cli.run(["console", "web", "--log"]))?.stdout ?? ""
                return log.contains("=END\r") || log.contains("=END\n")
            }
            #expect(answered && log.contains("DISK=SPIN-BASE-MARKER=262144=END"), "serial log:\n\(log.suffix(2000))")

            // qemu got the VM's MAC address, and a running VM is not cloned.
            let vm = try #require(try cli.json(["vm", "get", "web"]) as? [String: Any])
            let mac = try #require((vm["vm"] as? [String: Any])?["macAddress"] as? String)
            let pid = try #require(((vm["status"] as? [String: Any])?["process"] as? [String: Any])?["pid"] as? Int)
            let commandLine = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            #expect(commandLine.contains("mac=\(mac)"), "qemu's command line: \(commandLine)")
            #expect(try cli.fails(["vm", "clone", "web", "web2"], 5).contains("stop it first"))

            try cli.ok(["stop", "web", "--timeout", "2"])
            try cli.ok(["vm", "delete", "web"])
            #expect(try HostTool.sha256(cli.root + "/images/vol/base.raw") == HostTool.sha256(cli.directory + "/base.img"), "the base is untouched")
            try cli.ok(["image", "delete", "vol", "base.raw"])
        }
    }
}

/// Writes to a VM's serial console socket.
enum SerialLine {
    /// Connects to the unix socket `path`, writes `text`, and closes.
    static func send(_ text: String, to path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw HarnessError("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect \(path): \(errno)") }
        // The guest's shell reads slowly under TCG: a character at a time.
        for byte in Array(text.utf8) {
            var value = byte
            guard write(fd, &value, 1) == 1 else { throw HarnessError("write to \(path): \(errno)") }
            usleep(2_000)
        }
        usleep(200_000)
    }
}
