import CSystemd
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A serial executor that owns one sd-bus connection and one thread.
///
/// sd-bus connections are not thread-safe, so every use of the connection happens on this
/// executor's thread: actor jobs run there, and between jobs the thread dispatches incoming
/// messages with `sd_bus_process` and then sleeps in `poll` on the bus and a wake-up self-pipe.
/// C callbacks from `sd_bus_process` therefore run on the executor and may use
/// `assumeIsolated` on the actor that uses this executor.
final class BusExecutor: SerialExecutor, @unchecked Sendable {
    private struct Queue {
        var jobs: [UnownedJob] = []
        var stopping = false
    }

    private let queue = Mutex(Queue())
    /// A self-pipe: jobs write a byte to `wakeWrite`, the thread polls `wakeRead`.
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let threadID = Mutex<pthread_t?>(nil)

    /// The connection. Read and written only on the executor thread.
    nonisolated(unsafe) var bus: OpaquePointer?
    /// Connections that dropped, freed by the thread once it is outside `sd_bus_process`
    /// (a connection must not be freed from inside one of its own callbacks).
    nonisolated(unsafe) private var retired: [OpaquePointer] = []

    /// Detaches the current connection and frees it as soon as that is safe. On the executor
    /// thread only; afterwards ``bus`` is nil until a new connection is set.
    func retireConnection() {
        guard let bus else { return }
        self.bus = nil
        retired.append(bus)
    }

    private func freeRetired() {
        for bus in retired { sd_bus_flush_close_unref(bus) }
        retired.removeAll()
    }

    /// Creates the executor and starts its thread.
    init() throws(SpinError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw SpinError(.internal, "cannot create a pipe for the sd-bus thread: \(String(cString: strerror(errno)))")
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        let thread = Thread { [self] in run() }
        thread.name = "spin-sd-bus"
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        queue.withLock { $0.jobs.append(unowned) }
        wake()
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    func checkIsolated() {
        precondition(isOnExecutorThread, "sd-bus state touched off its thread")
    }

    /// Whether the caller runs on this executor's thread.
    var isOnExecutorThread: Bool {
        guard let id = threadID.withLock({ $0 }) else { return false }
        return pthread_equal(id, pthread_self()) != 0
    }

    /// Stops the thread after the queued jobs; the thread closes the connection.
    func shutdown() {
        queue.withLock { $0.stopping = true }
        wake()
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)  // when the pipe is full, the thread is awake anyway
    }

    private func run() {
        threadID.withLock { $0 = pthread_self() }
        while true {
            let (jobs, stopping) = queue.withLock { q in
                defer { q.jobs.removeAll() }
                return (q.jobs, q.stopping)
            }
            for job in jobs { job.runSynchronously(on: asUnownedSerialExecutor()) }
            if stopping && jobs.isEmpty { break }
            if let bus {
                while sd_bus_process(bus, nil) > 0 {}
            }
            freeRetired()
            if !jobs.isEmpty { continue }
            waitForWork()
        }
        retireConnection()
        freeRetired()
        close(wakeRead)
        close(wakeWrite)
    }

    /// Sleeps until the bus or the wake-up fd has something, or the bus's timeout passes.
    private func waitForWork() {
        var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        var timeout: Int32 = -1
        if let bus, sd_bus_is_open(bus) > 0 {
            let busFD = sd_bus_get_fd(bus)
            let events = sd_bus_get_events(bus)
            if busFD >= 0, events >= 0 {
                fds.append(pollfd(fd: busFD, events: Int16(events), revents: 0))
            }
            var until: UInt64 = 0
            if sd_bus_get_timeout(bus, &until) > 0, until != UInt64.max {
                var now = timespec()
                clock_gettime(CLOCK_MONOTONIC, &now)
                let nowUsec = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
                timeout = until <= nowUsec ? 0 : Int32(clamping: (until - nowUsec + 999) / 1_000)
            }
        }
        _ = poll(&fds, nfds_t(fds.count), timeout)
        if fds[0].revents & Int16(POLLIN) != 0 {
            var buffer = [UInt8](repeating: 0, count: 256)
            while read(wakeRead, &buffer, buffer.count) > 0 {}
        }
    }
}
