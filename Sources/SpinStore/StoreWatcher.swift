import Foundation
import Glibc

/// Calls a handler whenever any process commits to a store: it watches `data.mdb` with
/// inotify (LMDB writes committed pages with `pwrite`, which inotify reports as a change).
/// Lets waiters in one process wake up for work committed by another without polling.
///
/// Or, for short-lived processes, it polls the environment's last transaction id (a read of
/// LMDB's shared lock memory, no system call) every few milliseconds: closing an inotify
/// instance waits for the kernel's SRCU grace period, ~15 ms here, which a command that runs
/// for 20 ms should not pay on its way out.
///
/// The handler runs on the watcher's own thread; keep it short (signal and return).
public final class StoreWatcher: Sendable {
    /// How a watcher learns of other processes' commits.
    public enum Mode: Sendable, Equatable {
        /// inotify on `data.mdb`: wakes at once, costs nothing while idle, ~15 ms to close.
        case inotify
        /// Reads the last transaction id every `interval`: wakes within it, closes at once.
        case polling(interval: Duration)
    }

    private let inotifyFD: Int32
    private let stopFD: Int32
    private let stopWriteFD: Int32
    private let finished = DispatchSemaphore(value: 0)

    /// Starts watching the store at `storePath` (the directory given to ``Store/init(path:options:)``).
    /// - Throws: ``StoreError`` when inotify is unavailable or the data file is missing.
    public init(storePath: String, onChange: @escaping @Sendable () -> Void) throws {
        let fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else {
            throw StoreError(.operationFailed, code: errno, message: "inotify is unavailable: \(String(cString: strerror(errno)))")
        }
        let watch = inotify_add_watch(fd, storePath + "/data.mdb", UInt32(IN_MODIFY))
        guard watch >= 0 else {
            let code = errno
            close(fd)
            throw StoreError(.operationFailed, code: code, message: "cannot watch \(storePath)/data.mdb: \(String(cString: strerror(code)))")
        }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            close(fd)
            throw StoreError(.operationFailed, code: errno, message: "cannot create a pipe for the store watcher")
        }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        inotifyFD = fd
        stopFD = ends[0]
        stopWriteFD = ends[1]
        let finished = finished
        let worker = Thread { [fd, stop = ends[0]] in
            StoreWatcher.loop(inotifyFD: fd, stopFD: stop, onChange: onChange)
            finished.signal()
        }
        worker.name = "spin.store-watcher"
        worker.start()
    }

    /// Starts watching `store` in `mode`.
    /// - Throws: ``StoreError`` when inotify is unavailable or the data file is missing.
    public convenience init(store: Store, mode: Mode, onChange: @escaping @Sendable () -> Void) throws {
        switch mode {
        case .inotify: try self.init(storePath: store.path, onChange: onChange)
        case .polling(let interval): try self.init(polling: store, every: interval, onChange: onChange)
        }
    }

    private init(polling store: Store, every interval: Duration, onChange: @escaping @Sendable () -> Void) throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw StoreError(.operationFailed, code: errno, message: "cannot create a pipe for the store watcher")
        }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        inotifyFD = -1
        stopFD = ends[0]
        stopWriteFD = ends[1]
        let finished = finished
        let milliseconds = Int32(clamping: max(1, interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000))
        let worker = Thread { [stop = ends[0]] in
            StoreWatcher.pollLoop(store: store, stopFD: stop, milliseconds: milliseconds, onChange: onChange)
            finished.signal()
        }
        worker.name = "spin.store-poller"
        worker.start()
    }

    private static func pollLoop(store: Store, stopFD: Int32, milliseconds: Int32, onChange: @Sendable () -> Void) {
        var fds = [pollfd(fd: stopFD, events: Int16(POLLIN), revents: 0)]
        var seen = store.lastTransactionID
        while true {
            fds[0].revents = 0
            let ready = poll(&fds, 1, milliseconds)
            if ready < 0 && errno != EINTR { return }
            if ready > 0 { return }
            let now = store.lastTransactionID
            if now != seen {
                seen = now
                onChange()
            }
        }
    }

    /// Stops watching. Also done on deinit.
    public func stop() {
        var one: UInt8 = 1
        _ = write(stopWriteFD, &one, 1)
    }

    deinit {
        stop()
        finished.wait()  // the thread no longer uses the descriptors
        if inotifyFD >= 0 { close(inotifyFD) }
        close(stopFD)
        close(stopWriteFD)
    }

    private static func loop(inotifyFD: Int32, stopFD: Int32, onChange: @Sendable () -> Void) {
        var fds = [pollfd(fd: inotifyFD, events: Int16(POLLIN), revents: 0), pollfd(fd: stopFD, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 { return }
            if fds[0].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(inotifyFD, $0.baseAddress, $0.count) }
                if n <= 0 && errno != EINTR && errno != EAGAIN { return }
                onChange()
            }
        }
    }
}
