import Foundation
import Glibc

/// Calls a handler whenever any process commits to a store: it watches `data.mdb` with
/// inotify (LMDB writes committed pages with `pwrite`, which inotify reports as a change).
/// Lets waiters in one process wake up for work committed by another without polling.
///
/// The handler runs on the watcher's own thread; keep it short (signal and return).
public final class StoreWatcher: Sendable {
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

    /// Stops watching. Also done on deinit.
    public func stop() {
        var one: UInt8 = 1
        _ = write(stopWriteFD, &one, 1)
    }

    deinit {
        stop()
        finished.wait()  // the thread no longer uses the descriptors
        close(inotifyFD)
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
