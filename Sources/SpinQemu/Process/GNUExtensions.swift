#if canImport(Glibc)
import Glibc
#endif

/// glibc functions that need `_GNU_SOURCE`, which Swift's Glibc module does not define.
/// They are looked up once with `dlsym`; older libcs fall back to portable equivalents.
enum GNUExtensions {
    /// `POSIX_SPAWN_SETSID` from `<spawn.h>` (glibc 2.26+).
    static let spawnSetSID: Int32 = 0x80

    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    private static let pipe2Function: Pipe2? = dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }
    private static let closeFromFunction: CloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: CloseFrom.self) }

    /// Creates a close-on-exec pipe; returns 0 or an errno.
    static func cloexecPipe(_ fds: inout [Int32]) -> Int32 {
        fds = [-1, -1]
        return fds.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return EINVAL }
            if let pipe2Function {
                return pipe2Function(base, O_CLOEXEC) == 0 ? 0 : errno
            }
            guard pipe(base) == 0 else { return errno }
            _ = fcntl(base[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(base[1], F_SETFD, FD_CLOEXEC)
            return 0
        }
    }

    /// Adds "close every fd from `lowest` up" to `actions` when libc supports it.
    static func addCloseFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) {
        guard let closeFromFunction else { return }
        _ = closeFromFunction(&actions, lowest)
    }
}
