/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system calls guest_daemon makes, without a C library. Numbers come
 * from the target's own kernel headers (<asm/unistd.h> of the cross
 * toolchain), so every architecture gets its real ones.
 */
#ifndef GP_DAEMON_SYS_H
#define GP_DAEMON_SYS_H

#include <asm/unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
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
    return -ENOSYS;
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

/* execveat(FD, "", ..., AT_EMPTY_PATH) runs the file FD is open on, with no
 * path to it at all (Linux 3.19): -ENOSYS before. */
static inline long sys_execve_fd(int fd, char *const argv[], char *const envp[])
{
    return SYS6(__NR_execveat, fd, "", argv, envp, AT_EMPTY_PATH, 0);
}

static inline long sys_lseek_start(int fd) { return SYS6(__NR_lseek, fd, 0, SEEK_SET, 0, 0, 0); }

static inline long sys_madvise(void *start, size_t length, int advice)
{
    return SYS6(__NR_madvise, start, length, advice, 0, 0, 0);
}

static inline long sys_sched_yield(void) { return SYS6(__NR_sched_yield, 0, 0, 0, 0, 0, 0); }

/* clock_gettime and rt_sigtimedwait, by these numbers, take the kernel's
 * timespec of two longs (32-bit ABIs have *_time64 calls for a 64-bit
 * time_t): a C library built for a 64-bit time_t there would not fit. */
_Static_assert(sizeof(struct timespec) == 2 * sizeof(long),
               "struct timespec is not the kernel's two longs");

/* CLOCK_MONOTONIC in nanoseconds (a plain system call: no vDSO here). */
static inline long long sys_monotonic_ns(void)
{
    struct timespec t = { 0, 0 };
    SYS6(__NR_clock_gettime, CLOCK_MONOTONIC, &t, 0, 0, 0, 0);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* The kernel's signal set: 64 bits (MIPS: 128) as an array of longs,
 * whatever the word size and byte order. */
typedef struct {
    unsigned long bits[GP_ARCH_KERNEL_SIGSET_BYTES / sizeof(unsigned long)];
} sys_sigset;
#define SYS_LONG_BITS (8 * sizeof(unsigned long))

/* Makes SET hold SIGNAL alone. Filled in place, not returned: a copy of
 * a 16-byte set (MIPS) is a call to memcpy, which the daemon lacks. */
static inline void sys_sigset_only(sys_sigset *set, int signal)
{
    for (size_t i = 0; i < sizeof set->bits / sizeof set->bits[0]; i++) {
        set->bits[i] = 0;
    }
    set->bits[(signal - 1) / SYS_LONG_BITS] = 1UL << ((signal - 1) % SYS_LONG_BITS);
}

/* HOW is SIG_BLOCK or SIG_SETMASK. */
static inline long sys_sigprocmask(int how, const sys_sigset *set)
{
    return SYS6(__NR_rt_sigprocmask, how, set, 0, sizeof *set, 0, 0);
}

/* Waits up to NS for a signal of SET, which must be blocked: the signal
 * number, or -EAGAIN when the time is up. */
static inline long sys_sigtimedwait_ns(const sys_sigset *set, long ns)
{
    struct timespec t = { ns / 1000000000L, ns % 1000000000L };
    return SYS6(__NR_rt_sigtimedwait, set, 0, &t, sizeof *set, 0, 0);
}

static inline long sys_wait4(int pid, int *status, int options)
{
    return SYS6(__NR_wait4, pid, status, options, 0, 0, 0);
}

static inline __attribute__((noreturn)) void sys_exit(int status)
{
    for (;;) {
        SYS6(__NR_exit_group, status, 0, 0, 0, 0, 0);
    }
}

#endif
