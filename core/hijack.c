/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "hijack.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <glib.h>

#include "guest_memory.h"
#include "guestplug/abi.h"
#include "guestplug/daemon.h"
#include "log.h"

#define CHUNK (64u * 1024u)            /* bytes per injected write() */
#define SCRATCH_SIZE (4096u + CHUNK)
/* Layout of the scratch mapping. */
#define AT_NAME 0u        /* argv[0] and the memfd's name */
#define AT_EMPTY 48u      /* "": execveat's path */
#define AT_PATH 64u       /* what execve runs (and unlinkat removes, faccessat probes) */
#define AT_ARGV 512u
#define AT_ENVP 576u      /* the environment's pointers, up to AT_COMM */
#define AT_COMM 1024u
#define AT_ENV_TEXT 1088u /* the environment's strings, up to AT_DATA */
#define AT_DATA 4096u
#define MAX_ENV ((AT_COMM - AT_ENVP) / 8u - 1u) /* leaves room for the NULL */
/* A taken name of 128 random bits means someone is guessing: after a few
 * the next directory is tried. */
#define NAME_ATTEMPTS_PER_DIR 3

/* World-writable tmpfs directories first: /run is usually root's alone. */
static const char *const tmpfs_dirs[] = { "/dev/shm/", "/tmp/", "/run/" };

/*
 * Files that say "this is an initramfs, and it will switch to the real
 * root": systemd's and dracut's initrd-release, and initramfs-tools'
 * configuration (Debian, Ubuntu). A daemon started there would be left in
 * the emptied initramfs after the switch, its plugins seeing none of the
 * real system, so such processes are left alone (inject_initramfs=on
 * allows them: a guest that stays in its initramfs).
 */
static const char *const initramfs_markers[] = { "/etc/initrd-release", "/conf/initramfs.conf" };

static const char *const step_names[] = {
    "getpid", "getuid", "mmap", "prctl", "prctl", "faccessat", "memfd_create", "openat", "fchmod",
    "write", "close", "vfork", "setsid", "execveat", "execve", "exit_group", "close",
    "unlinkat", "munmap", "restore",
};

const char *gp_hijack_step_name(gp_hijack_step step)
{
    return step_names[step];
}

/* Results are errors when they lie in -4095..-1 at register width. */
static int64_t as_signed(const gp_hijack_env *env, uint64_t value)
{
    return env->arch->register_bytes == 4 ? (int32_t)value : (int64_t)value;
}

static bool is_error(const gp_hijack_env *env, uint64_t value)
{
    int64_t signed_value = as_signed(env, value);
    return signed_value < 0 && signed_value >= -4095;
}

static void issue(const gp_hijack_env *env, long number, uint64_t a0, uint64_t a1, uint64_t a2,
                  uint64_t a3)
{
    gp_register_write(&env->number, (uint64_t)number);
    const uint64_t values[4] = { a0, a1, a2, a3 };
    for (int i = 0; i < 4; i++) {
        gp_register_write(&env->args[i], values[i]);
    }
}

/*
 * The chain's only way to write guest memory: OFFSET bytes into the
 * scratch mapping the hijacked thread itself created (private, anonymous,
 * populated for writing). The bounds are asserted, so nothing else of the
 * process can be written, and the write goes through the same page check
 * as every hypercall.
 */
static bool write_scratch(const gp_hijack *h, uint32_t offset, const void *data, size_t length)
{
    g_assert(h->scratch != 0);
    g_assert(offset <= SCRATCH_SIZE && length <= SCRATCH_SIZE - offset);
    return gp_guest_write(NULL, h->scratch + offset, data, length);
}

static void put_pointer(const gp_hijack_env *env, uint8_t *at, uint64_t value)
{
    unsigned bytes = env->abi->pointer_bytes;
    for (unsigned i = 0; i < bytes; i++) {
        at[env->arch->big_endian ? bytes - 1 - i : i] = (uint8_t)(value >> (8 * i));
    }
}

/* The stack words past the register arguments, from the stack pointer
 * the thread was taken with. */
static uint64_t stack_arguments_address(const gp_hijack *h, const gp_hijack_env *env)
{
    return h->stack_pointer + env->abi->stack_arguments_offset;
}

static size_t stack_arguments_bytes(const gp_hijack_env *env)
{
    size_t bytes = (6 - env->register_arguments) * env->abi->pointer_bytes;
    g_assert(bytes <= sizeof ((gp_hijack *)NULL)->saved_stack);
    return bytes;
}

/*
 * Argument INDEX (0-5) of the next call: a register, or a word on the
 * thread's own stack where the ABI has no register for it. The stack
 * write goes through the page check like every other, so it fails on a
 * stack page the process could not write; the words were saved first.
 */
static bool set_argument(gp_hijack *h, const gp_hijack_env *env, unsigned index,
                         uint64_t value)
{
    if (index < env->register_arguments) {
        gp_register_write(&env->args[index], value);
        return true;
    }
    uint8_t word[8];
    unsigned bytes = env->abi->pointer_bytes;
    if (!h->stack_saved) {
        return false;
    }
    put_pointer(env, word, value);
    h->stack_written = true;
    return gp_guest_write(NULL, stack_arguments_address(h, env) +
                                    (index - env->register_arguments) * bytes,
                          word, bytes);
}

/* The name of a guest errno, for messages. */
static const char *errno_name(const gp_hijack_env *env, int64_t result)
{
    int value = (int)-result;
    const char *name = env->abi->errno_name ? env->abi->errno_name(value)
                                            : strerrorname_np(value);
    return name ? name : "an unknown errno";
}

void gp_hijack_describe(const gp_hijack *h, char *out, size_t size)
{
    if (h->pid && h->comm[0]) {
        g_autofree char *shown = gp_printable((const uint8_t *)h->comm, strlen(h->comm));
        g_snprintf(out, size, "pid %" G_GUINT64_FORMAT " (%s)", h->pid, shown);
    } else if (h->pid) {
        g_snprintf(out, size, "pid %" G_GUINT64_FORMAT, h->pid);
    } else {
        g_snprintf(out, size, "the thread at 0x%" G_GINT64_MODIFIER "x", h->syscall_pc);
    }
}

/* Records that STEP failed with RESULT, for the log and the timeout. */
static void fail(gp_hijack *h, const gp_hijack_env *env, const char *what, int64_t result)
{
    char who[64];
    gp_hijack_describe(h, who, sizeof who);
    if (result < 0) {
        g_snprintf(h->failure, sizeof h->failure, "in %s, %s failed with %s (%" G_GINT64_FORMAT ")",
                   who, what, errno_name(env, result), result);
    } else {
        g_snprintf(h->failure, sizeof h->failure, "in %s, %s failed", who, what);
    }
    h->refusal = GP_REFUSED_FAILED;
    gp_log("inject: %s; trying another process", h->failure);
}

/*
 * guest_daemon's environment, one "KEY=value" each: the settings it must
 * know from its first instruction (include/guestplug/daemon.h). Everything
 * the daemon is told at exec goes here, never in argv, which every user
 * can read in /proc.
 */
static GPtrArray *daemon_environment(const gp_hijack_env *env)
{
    GPtrArray *environment = g_ptr_array_new_with_free_func(g_free);
    /* Channel 0's token: /proc/PID/environ is readable by the daemon's own
     * user and root only, and the daemon wipes it once read. */
    g_ptr_array_add(environment, g_strdup_printf(GP_TOKEN_ENV "=%s", env->daemon_token));
    if (!env->options.use_memfd) {
        g_ptr_array_add(environment, g_strdup(GP_DAEMON_ENV_MEMFD "=" GP_DAEMON_MEMFD_OFF));
    }
    return environment;
}

/* "", argv = { "guest_daemon", NULL } and envp = daemon_environment() in
 * the scratch area; PATH for execve. False if it does not fit or cannot be
 * written. */
static bool write_exec_arguments(const gp_hijack *h, const gp_hijack_env *env, const char *path)
{
    uint8_t argv[16] = { 0 };
    uint8_t envp[(MAX_ENV + 1) * 8] = { 0 };
    g_autoptr(GPtrArray) environment = daemon_environment(env);
    uint32_t text = AT_ENV_TEXT;
    unsigned pointer = env->abi->pointer_bytes;

    if (strlen(path) >= AT_ARGV - AT_PATH || environment->len > MAX_ENV) {
        return false;
    }
    put_pointer(env, argv, h->scratch + AT_NAME);
    for (guint i = 0; i < environment->len; i++) {
        const char *entry = g_ptr_array_index(environment, i);
        size_t size = strlen(entry) + 1;
        if (size > AT_DATA - text || !write_scratch(h, text, entry, size)) {
            return false;
        }
        put_pointer(env, envp + i * pointer, h->scratch + text);
        text += (uint32_t)size;
    }
    return write_scratch(h, AT_EMPTY, "", 1) &&
           write_scratch(h, AT_PATH, path, strlen(path) + 1) &&
           write_scratch(h, AT_ARGV, argv, 2u * pointer) &&
           write_scratch(h, AT_ENVP, envp, (environment->len + 1) * pointer);
}

/* DIR + ".guestplug-" + 32 hex digits from the host's random source, new
 * for every attempt: nobody in the guest can guess it to plant a file or a
 * symlink there first. */
static bool make_tmpfs_path(gp_hijack *h, const char *dir)
{
    uint8_t random_bytes[GP_DAEMON_TMPFS_RANDOM_DIGITS / 2];
    char digits[GP_DAEMON_TMPFS_RANDOM_DIGITS + 1];
    if (getrandom(random_bytes, sizeof random_bytes, 0) != (ssize_t)sizeof random_bytes) {
        return false;
    }
    for (size_t i = 0; i < sizeof random_bytes; i++) {
        g_snprintf(digits + 2 * i, 3, "%02x", random_bytes[i]);
    }
    int length = g_snprintf(h->tmpfs_path, sizeof h->tmpfs_path, "%s%s%s", dir,
                            GP_DAEMON_TMPFS_PREFIX, digits);
    return length > 0 && (size_t)length < sizeof h->tmpfs_path;
}

static void restore_registers(const gp_hijack *h, const gp_hijack_env *env)
{
    gp_register_write(&env->number, h->saved[0]);
    for (unsigned i = 0; i < env->register_arguments; i++) {
        gp_register_write(&env->args[i], h->saved[i + 1]);
    }
    if (h->stack_written &&
        !gp_guest_write(NULL, stack_arguments_address(h, env), h->saved_stack,
                        stack_arguments_bytes(env))) {
        gp_log("inject: the stack words at 0x%" G_GINT64_MODIFIER "x could not be put back",
               stack_arguments_address(h, env));
    }
    if (h->takeover) {
        for (unsigned i = 0; i < env->clobbered_count; i++) {
            gp_register_write(&env->clobbered[i], h->saved_clobbered[i]);
        }
    }
}

static void refuse(gp_hijack *h, const gp_hijack_env *env, gp_hijack_refusal why, int64_t now);

/* Sets up the registers for STEP. */
static void begin(gp_hijack *h, const gp_hijack_env *env, gp_hijack_step next)
{
    const gp_syscall_abi *abi = env->abi;
    const struct gp_syscall_numbers *nr = &abi->numbers;
    h->step = next;
    switch (next) {
    case GP_STEP_GETPID:
        issue(env, nr->getpid, 0, 0, 0, 0);
        return;
    case GP_STEP_GETUID:
        issue(env, nr->getuid, 0, 0, 0, 0);
        return;
    case GP_STEP_MMAP:
        issue(env, nr->mmap, 0, SCRATCH_SIZE, abi->prot_read_write, abi->map_private_anonymous);
        if (!set_argument(h, env, 4, (uint64_t)-1) /* fd */ ||
            !set_argument(h, env, 5, 0) /* offset */) {
            fail(h, env, "writing mmap's stack arguments", 0);
            refuse(h, env, GP_REFUSED_FAILED, h->last_progress);
        }
        return;
    case GP_STEP_PRCTL:
        issue(env, nr->prctl, abi->pr_get_name, h->scratch + AT_COMM, 0, 0);
        return;
    case GP_STEP_SECCOMP:
        issue(env, nr->prctl, abi->pr_get_seccomp, 0, 0, 0);
        return;
    case GP_STEP_PROBE_INITRAMFS: {
        const char *marker = initramfs_markers[h->marker];
        /* A failed write leaves an empty path: faccessat fails with ENOENT. */
        if (!write_scratch(h, AT_PATH, marker, strlen(marker) + 1)) {
            write_scratch(h, AT_PATH, "", 1);
        }
        issue(env, nr->faccessat, (uint64_t)abi->at_fdcwd, h->scratch + AT_PATH, 0 /* F_OK */, 0);
        return;
    }
    case GP_STEP_MEMFD:
        issue(env, nr->memfd_create, h->scratch + AT_NAME, 0, 0, 0);
        return;
    case GP_STEP_OPEN:
        if (!make_tmpfs_path(h, tmpfs_dirs[h->open_attempt]) ||
            !write_scratch(h, AT_PATH, h->tmpfs_path, strlen(h->tmpfs_path) + 1)) {
            write_scratch(h, AT_PATH, "", 1);
        }
        issue(env, nr->openat, (uint64_t)abi->at_fdcwd, h->scratch + AT_PATH,
              abi->open_create_exclusive, 0700);
        return;
    case GP_STEP_FCHMOD:
        /* The hijacked process's umask may have cleared the execute bit. */
        issue(env, nr->fchmod, (uint64_t)h->fd, 0700, 0, 0);
        return;
    case GP_STEP_WRITE: {
        size_t chunk = MIN(env->daemon_size - h->written, CHUNK);
        write_scratch(h, AT_DATA, env->daemon + h->written, chunk);
        issue(env, nr->write, (uint64_t)h->fd, h->scratch + AT_DATA, chunk, 0);
        return;
    }
    case GP_STEP_CLOSE_FILE:
    case GP_STEP_CLOSE:
        issue(env, nr->close, (uint64_t)h->fd, 0, 0, 0);
        return;
    case GP_STEP_VFORK:
        /* vfork ignores the flags; clone (arm64) needs them */
        issue(env, nr->vfork, abi->vfork_clone_flags, 0, 0, 0);
        return;
    case GP_STEP_SETSID:
        issue(env, nr->setsid, 0, 0, 0, 0);
        return;
    case GP_STEP_EXECVEAT:
        /* No /proc needed: the descriptor itself, as early as PID 1's
         * first system calls. */
        issue(env, nr->execveat, (uint64_t)h->fd, h->scratch + AT_EMPTY, h->scratch + AT_ARGV,
              h->scratch + AT_ENVP);
        if (!set_argument(h, env, 4, abi->at_empty_path)) {
            begin(h, env, GP_STEP_EXECVE);
        }
        return;
    case GP_STEP_EXECVE:
        issue(env, nr->execve, h->scratch + AT_PATH, h->scratch + AT_ARGV, h->scratch + AT_ENVP,
              0);
        return;
    case GP_STEP_EXIT:
        issue(env, nr->exit_group, 127, 0, 0, 0);
        return;
    case GP_STEP_UNLINK:
        issue(env, nr->unlinkat, (uint64_t)abi->at_fdcwd, h->scratch + AT_PATH, 0, 0);
        return;
    case GP_STEP_MUNMAP:
        issue(env, nr->munmap, h->scratch, SCRATCH_SIZE, 0, 0);
        return;
    case GP_STEP_RESTORE:
        restore_registers(h, env);
        h->restoring = true;
        return;
    }
}

/* Undoes what the chain made, whether it succeeded or not: the fd, the
 * tmpfs file (the daemon runs from it already, or never will), the scratch
 * mapping; then the thread gets its registers back. */
static void clean_up(gp_hijack *h, const gp_hijack_env *env)
{
    if (h->fd >= 0) {
        begin(h, env, GP_STEP_CLOSE);
    } else if (h->used_file) {
        begin(h, env, GP_STEP_UNLINK);
    } else if (h->scratch) {
        begin(h, env, GP_STEP_MUNMAP);
    } else {
        begin(h, env, GP_STEP_RESTORE);
    }
}

static void refuse(gp_hijack *h, const gp_hijack_env *env, gp_hijack_refusal why, int64_t now)
{
    h->refusal = why;
    gp_process_memo_add(env->refused, h->space_id, h->pid, why == GP_REFUSED_COMM, now);
    clean_up(h, env);
}

/* The daemon file: a memfd, or a tmpfs file. */
static void begin_daemon_file(gp_hijack *h, const gp_hijack_env *env)
{
    h->open_attempt = h->name_attempt = 0;
    begin(h, env, env->options.use_memfd ? GP_STEP_MEMFD : GP_STEP_OPEN);
}

/* After the name (and any filter on it): the initramfs probe, then the file. */
static void after_name(gp_hijack *h, const gp_hijack_env *env)
{
    h->marker = 0;
    if (env->options.allow_initramfs) {
        begin_daemon_file(h, env);
    } else {
        begin(h, env, GP_STEP_PROBE_INITRAMFS);
    }
}

/* Everything the daemon file needs is written: the exec's arguments. */
static void begin_fork(gp_hijack *h, const gp_hijack_env *env)
{
    g_autofree char *path = h->used_file
        ? g_strdup(h->tmpfs_path)
        : g_strdup_printf("/proc/self/fd/%" G_GINT64_FORMAT, h->fd);
    if (!write_exec_arguments(h, env, path)) {
        fail(h, env, "writing execve's arguments into the scratch mapping", 0);
        clean_up(h, env);
        return;
    }
    /* A file still open for writing cannot be executed (ETXTBSY). */
    begin(h, env, h->used_file ? GP_STEP_CLOSE_FILE : GP_STEP_VFORK);
}

/* In the vfork child: the exec after the one that failed with RESULT. */
static void next_exec(gp_hijack *h, const gp_hijack_env *env, int64_t result)
{
    if (h->step == GP_STEP_EXECVEAT) {
        begin(h, env, GP_STEP_EXECVE); /* before Linux 3.19 */
        return;
    }
    if (h->used_file || !env->options.use_memfd) {
        fail(h, env, "execve of guest_daemon", result);
    } else {
        h->file_next = true; /* the parent tries a tmpfs file next */
        if (env->options.verbose) {
            gp_log("inject: no exec from the memfd (%s): trying a tmpfs file",
                   errno_name(env, result));
        }
    }
    begin(h, env, GP_STEP_EXIT); /* the child must never return into the process */
}

/* The thread came back after being given up: record what the step made,
 * so that it is undone, and undo it. */
static void advance_abandoned(gp_hijack *h, const gp_hijack_env *env, uint64_t result)
{
    bool made = !is_error(env, result);
    switch (h->step) {
    case GP_STEP_MMAP:
        h->scratch = made ? result : 0;
        break;
    case GP_STEP_MEMFD:
    case GP_STEP_OPEN:
        h->fd = made ? (int64_t)result : -1;
        h->used_file = made && h->step == GP_STEP_OPEN;
        break;
    /* Until the child execs or exits, only the child can come back (the
     * parent waits in vfork): the child of ours goes. */
    case GP_STEP_VFORK:
        if (result == 0) {
            begin(h, env, GP_STEP_EXIT);
            return;
        }
        break;
    case GP_STEP_SETSID:
        begin(h, env, GP_STEP_EXIT);
        return;
    case GP_STEP_EXECVEAT:
    case GP_STEP_EXECVE:
        if (as_signed(env, result) <= 0) {
            begin(h, env, GP_STEP_EXIT);
            return;
        }
        break;
    case GP_STEP_CLOSE:
    case GP_STEP_CLOSE_FILE:
        h->fd = -1;
        break;
    case GP_STEP_UNLINK:
        h->used_file = false;
        break;
    case GP_STEP_MUNMAP:
        h->scratch = 0;
        break;
    default:
        break;
    }
    clean_up(h, env);
}

void gp_hijack_start(gp_hijack *h, const gp_hijack_env *env, uint64_t site_pc,
                     const gp_syscall_instruction *site, uint64_t space, uint64_t stack,
                     bool takeover, uint64_t resume_pc, int64_t now)
{
    *h = (gp_hijack){
        .in_use = true,
        .takeover = takeover,
        .syscall_pc = site_pc,
        .pc_flag = site->pc_flag,
        .return_pc = site_pc + site->length,
        .resume_pc = resume_pc,
        .space_id = space,
        .stack_pointer = stack,
        .fd = -1,
        .last_progress = now,
    };
    h->saved[0] = gp_register_read(&env->number);
    for (unsigned i = 0; i < env->register_arguments; i++) {
        h->saved[i + 1] = gp_register_read(&env->args[i]);
    }
    h->stack_saved = env->register_arguments == 6 ||
                     gp_guest_read(NULL, stack_arguments_address(h, env), h->saved_stack,
                                   stack_arguments_bytes(env));
    for (unsigned i = 0; takeover && i < env->clobbered_count; i++) {
        h->saved_clobbered[i] = gp_register_read(&env->clobbered[i]);
    }
    if (env->options.verbose) {
        gp_log("inject: taking a thread at 0x%" G_GINT64_MODIFIER "x, stack 0x%" G_GINT64_MODIFIER
               "x, %s %" G_GINT64_FORMAT, site_pc, stack,
               takeover ? "outside a system call; number register" : "its system call",
               as_signed(env, h->saved[0]));
    }
    begin(h, env, GP_STEP_GETPID);
}

void gp_hijack_abandon(gp_hijack *h)
{
    if (h->refusal == GP_REFUSED_NOT || h->refusal == GP_REFUSED_BEFORE) {
        h->refusal = GP_REFUSED_ABANDONED;
    }
}

bool gp_hijack_done(const gp_hijack *h)
{
    return h->step == GP_STEP_RESTORE;
}

uint64_t gp_hijack_resume_pc(const gp_hijack *h)
{
    return gp_hijack_done(h) && h->takeover ? h->resume_pc : h->syscall_pc | h->pc_flag;
}

void gp_hijack_advance(gp_hijack *h, const gp_hijack_env *env, uint64_t result, int64_t now)
{
    int64_t value = as_signed(env, result);
    h->last_progress = now;
    if (env->options.verbose) {
        gp_log("inject: %s returned %" G_GINT64_FORMAT, step_names[h->step], value);
    }
    if (h->refusal == GP_REFUSED_ABANDONED) {
        advance_abandoned(h, env, result);
        return;
    }
    switch (h->step) {
    case GP_STEP_GETPID:
        h->pid = result;
        h->known = gp_process_memo_knows(env->refused, h->space_id, h->pid);
        if (gp_process_memo_refused(env->refused, h->space_id, h->pid, now)) {
            h->refusal = GP_REFUSED_BEFORE;
            begin(h, env, GP_STEP_RESTORE);
        } else if (h->pid == 1 && !env->options.allow_pid1) {
            refuse(h, env, GP_REFUSED_PID1, now);
        } else {
            begin(h, env, env->options.require_root ? GP_STEP_GETUID : GP_STEP_MMAP);
        }
        return;
    case GP_STEP_GETUID:
        if (result != 0) {
            refuse(h, env, GP_REFUSED_UID, now);
        } else {
            begin(h, env, GP_STEP_MMAP);
        }
        return;
    case GP_STEP_MMAP:
        if (is_error(env, result)) {
            fail(h, env, "mmap of a scratch area", value);
            refuse(h, env, GP_REFUSED_FAILED, now);
            return;
        }
        h->scratch = result;
        if (!write_scratch(h, AT_NAME, "guest_daemon", sizeof "guest_daemon")) {
            fail(h, env, "writing into the scratch mapping", 0);
            refuse(h, env, GP_REFUSED_FAILED, now);
        } else {
            begin(h, env, GP_STEP_PRCTL);
        }
        return;
    case GP_STEP_PRCTL: {
        char comm[16] = { 0 };
        bool named = !is_error(env, result) &&
                     gp_guest_read(NULL, h->scratch + AT_COMM, comm, sizeof comm);
        memset(h->comm, 0, sizeof h->comm);
        if (named) {
            memcpy(h->comm, comm, sizeof comm); /* the kernel's comm: up to 16 bytes */
        }
        if (env->options.verbose) {
            char who[64];
            gp_hijack_describe(h, who, sizeof who);
            gp_log("inject: hijacked %s%s, address space 0x%" G_GINT64_MODIFIER "x", who,
                   h->takeover ? " outside a system call" : "", h->space_id);
        }
        if (env->options.comm[0] && (!named || strncmp(comm, env->options.comm, 16) != 0)) {
            refuse(h, env, GP_REFUSED_COMM, now);
        } else {
            begin(h, env, GP_STEP_SECCOMP);
        }
        return;
    }
    case GP_STEP_SECCOMP:
        /* 0: no filter. A filtered process (a systemd service's
         * SystemCallFilter=) may be killed by the next call we make, and a
         * daemon started there would inherit the filter. (Strict mode, 1,
         * never gets here: prctl itself kills it.) */
        if (value != 0) {
            if (env->options.verbose) {
                gp_log("inject: a seccomp filter limits its system calls (prctl: %" G_GINT64_FORMAT
                       ")", value);
            }
            refuse(h, env, GP_REFUSED_SECCOMP, now);
        } else {
            after_name(h, env);
        }
        return;
    case GP_STEP_PROBE_INITRAMFS:
        if (value == 0) {
            if (env->options.verbose) {
                gp_log("inject: %s exists: an initramfs that will switch to the real root",
                       initramfs_markers[h->marker]);
            }
            refuse(h, env, GP_REFUSED_INITRAMFS, now);
        } else if (++h->marker < G_N_ELEMENTS(initramfs_markers)) {
            begin(h, env, GP_STEP_PROBE_INITRAMFS);
        } else {
            begin_daemon_file(h, env);
        }
        return;
    case GP_STEP_MEMFD:
        if (!is_error(env, result)) {
            h->fd = (int64_t)result;
            h->written = 0;
            begin(h, env, GP_STEP_WRITE);
        } else {
            begin(h, env, GP_STEP_OPEN); /* kernels before 3.17: a file in a tmpfs */
        }
        return;
    case GP_STEP_OPEN:
        if (!is_error(env, result)) {
            h->fd = (int64_t)result;
            h->used_file = true;
            h->written = 0;
            begin(h, env, GP_STEP_FCHMOD);
        } else if (value == -env->abi->eexist && ++h->name_attempt < NAME_ATTEMPTS_PER_DIR) {
            begin(h, env, GP_STEP_OPEN); /* someone guessed a name? a fresh one */
        } else if (++h->open_attempt < G_N_ELEMENTS(tmpfs_dirs)) {
            h->name_attempt = 0;
            begin(h, env, GP_STEP_OPEN);
        } else {
            fail(h, env, "creating the daemon's file in /dev/shm, /tmp and /run", value);
            refuse(h, env, GP_REFUSED_FAILED, now);
        }
        return;
    case GP_STEP_FCHMOD:
        begin(h, env, GP_STEP_WRITE); /* a failure shows at execve, with its errno */
        return;
    case GP_STEP_WRITE:
        if (is_error(env, result) || result == 0) {
            fail(h, env, "writing guest_daemon into its file", value);
            refuse(h, env, GP_REFUSED_FAILED, now);
            return;
        }
        h->written += result;
        if (h->written < env->daemon_size) {
            begin(h, env, GP_STEP_WRITE);
        } else {
            begin_fork(h, env);
        }
        return;
    case GP_STEP_CLOSE_FILE:
        h->fd = -1;
        begin(h, env, GP_STEP_VFORK);
        return;
    case GP_STEP_VFORK:
        if (result == 0) {
            begin(h, env, GP_STEP_SETSID); /* the child runs first, in our address space */
        } else {
            fail(h, env, "vfork", value);
            refuse(h, env, GP_REFUSED_FAILED, now);
        }
        return;
    case GP_STEP_SETSID:
        /* A memfd is run by descriptor; a tmpfs file by its path. */
        begin(h, env, h->used_file ? GP_STEP_EXECVE : GP_STEP_EXECVEAT);
        return;
    case GP_STEP_EXECVEAT:
    case GP_STEP_EXECVE:
    case GP_STEP_EXIT:
        if (value <= 0) {
            next_exec(h, env, value);
        } else if (h->step != GP_STEP_EXIT) {
            h->started = true; /* the parent's vfork returns once the child exec'd */
            clean_up(h, env);
        } else if (h->file_next) {
            clean_up(h, env); /* closes the memfd, then the tmpfs file (GP_STEP_CLOSE) */
        } else {
            refuse(h, env, GP_REFUSED_FAILED, now);
        }
        return;
    case GP_STEP_CLOSE:
        h->fd = -1;
        if (h->file_next) {
            h->file_next = false;
            h->open_attempt = h->name_attempt = 0;
            begin(h, env, GP_STEP_OPEN);
        } else {
            clean_up(h, env);
        }
        return;
    case GP_STEP_UNLINK:
        h->used_file = false;
        clean_up(h, env);
        return;
    case GP_STEP_MUNMAP:
        h->scratch = 0;
        begin(h, env, GP_STEP_RESTORE);
        return;
    case GP_STEP_RESTORE:
        return;
    }
}
