#ifndef SPIN_CLINUX_SHIM_H
#define SPIN_CLINUX_SHIM_H
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

/// Gives the calling thread -- only it: raw system calls, not glibc's process-wide
/// wrappers -- the file-access identity of another user: supplementary groups, then the
/// filesystem gid and uid. The kernel drops the thread's file capabilities with a
/// nonzero fsuid, so its permission checks are that user's. Returns 0, or -1 with errno.
/// Use on a thread of its own that ends afterwards.
static inline int spin_thread_assume_file_identity(uid_t uid, gid_t gid, int count, const gid_t *groups) {
    if (syscall(SYS_setgroups, (size_t)count, groups) != 0) return -1;
    syscall(SYS_setfsgid, gid);
    if ((gid_t)syscall(SYS_setfsgid, (gid_t)-1) != gid) return -1;
    syscall(SYS_setfsuid, uid);
    if ((uid_t)syscall(SYS_setfsuid, (uid_t)-1) != uid) return -1;
    return 0;
}
#endif
