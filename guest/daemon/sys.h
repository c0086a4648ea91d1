/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system calls guest_daemon makes, without a C library. Numbers come
 * from the target's own kernel headers (<asm/unistd.h> of the cross
 * toolchain), so every architecture gets its real ones.
 */
#ifndef GP_DAEMON_SYS_H
#define GP_DAEMON_SYS_H

#include <asm/unistd.h>
#include <fcntl.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stddef.h>
#include <time.h>

#include "arch.h"

#define SYS6(n, a, b, c, d, e, f) \
    gp_arch_syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

static inline long sys_write(int fd, const void *buf, size_t len)
{
    return SYS6(__NR_write, fd, buf, len, 0, 0, 0);
}

static inline long sys_openat(const char *path, int flags, int mode)
{
    return SYS6(__NR_openat, AT_FDCWD, path, flags, mode, 0, 0);
}

static inline long sys_read(int fd, void *buf, size_t len)
{
    return SYS6(__NR_read, fd, buf, len, 0, 0, 0);
}

static inline long sys_pipe_cloexec(int fds[2])
{
    return SYS6(__NR_pipe2, fds, O_CLOEXEC, 0, 0, 0, 0);
}

static inline long sys_close(int fd) { return SYS6(__NR_close, fd, 0, 0, 0, 0, 0); }

static inline long sys_fchmod(int fd, int mode) { return SYS6(__NR_fchmod, fd, mode, 0, 0, 0, 0); }

static inline long sys_dup3(int from, int to) { return SYS6(__NR_dup3, from, to, 0, 0, 0, 0); }

static inline long sys_unlinkat(const char *path) { return SYS6(__NR_unlinkat, AT_FDCWD, path, 0, 0, 0, 0); }

static inline long sys_memfd_create(const char *name, unsigned flags)
{
#ifdef __NR_memfd_create
    return SYS6(__NR_memfd_create, name, flags, 0, 0, 0, 0);
#else
    (void)name, (void)flags;
    return -38; /* ENOSYS */
#endif
}

/* fork as clone(SIGCHLD): the same on every architecture, unlike fork. */
static inline long sys_fork(void) { return SYS6(__NR_clone, SIGCHLD, 0, 0, 0, 0, 0); }

/* clone(CLONE_VFORK): a copy of the caller, which waits until the child
 * has called execve or exited. */
static inline long sys_vfork_copy(void)
{
    return SYS6(__NR_clone, CLONE_VFORK | SIGCHLD, 0, 0, 0, 0, 0);
}

static inline long sys_set_name(const char *name)
{
    return SYS6(__NR_prctl, PR_SET_NAME, name, 0, 0, 0, 0);
}

static inline long sys_setsid(void) { return SYS6(__NR_setsid, 0, 0, 0, 0, 0, 0); }

static inline long sys_getpid(void) { return SYS6(__NR_getpid, 0, 0, 0, 0, 0, 0); }

static inline long sys_execve(const char *path, char *const argv[], char *const envp[])
{
    return SYS6(__NR_execve, path, argv, envp, 0, 0, 0);
}

static inline long sys_wait4(int pid, int *status, int options)
{
    return SYS6(__NR_wait4, pid, status, options, 0, 0, 0);
}

static inline long sys_nanosleep_ns(long ns)
{
    struct timespec t = { ns / 1000000000L, ns % 1000000000L };
    return SYS6(__NR_nanosleep, &t, 0, 0, 0, 0, 0);
}

static inline __attribute__((noreturn)) void sys_exit(int status)
{
    for (;;) {
        SYS6(__NR_exit_group, status, 0, 0, 0, 0, 0);
    }
}

#endif
