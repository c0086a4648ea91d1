/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "inject.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <glib.h>

#include "block_watch.h"
#include "guest_memory.h"
#include "guestplug/abi.h"
#include "guestplug/daemon.h"
#include "log.h"
#include "registers.h"

#define CHUNK (64u * 1024u)            /* bytes per injected write() */
#define SCRATCH_SIZE (4096u + CHUNK)
/* Layout of the scratch mapping. */
#define AT_NAME 0u        /* the memfd's name, then argv[0] */
#define AT_PATH 64u       /* what execve runs (and unlinkat removes) */
#define AT_ARGV 512u
#define AT_ENVP 576u      /* the environment's pointers, up to AT_COMM */
#define AT_COMM 1024u
#define AT_ENV_TEXT 1088u /* the environment's strings, up to AT_DATA */
#define AT_DATA 4096u
#define MAX_ENV ((AT_COMM - AT_ENVP) / 8u - 1u) /* leaves room for the NULL */
#define MAX_REJECTED 256
#define STALL_LIMIT_US (5 * G_USEC_PER_SEC)
/* A taken name of 128 random bits means someone is guessing: after a few
 * the next directory is tried. */
#define NAME_ATTEMPTS_PER_DIR 3

/* The chain of system calls, in order; some are skipped. */
typedef enum step {
    STEP_GETPID, STEP_GETUID, STEP_MMAP, STEP_PRCTL, STEP_MEMFD, STEP_OPEN, STEP_FCHMOD,
    STEP_WRITE, STEP_CLOSE_FILE, STEP_VFORK, STEP_SETSID, STEP_EXECVE, STEP_EXIT, STEP_CLOSE,
    STEP_UNLINK, STEP_MUNMAP, STEP_RESTORE,
} step;

enum { STATE_IDLE, STATE_ARMED, STATE_RUNNING };

typedef struct flags {
    uint64_t armed;   /* 1: system call instructions call on_syscall */
} flags;
/* While a thread is hijacked every block entry calls on_block, to catch the
 * return of an injected system call (block_watch.h). */

/* World-writable tmpfs directories first: /run is usually root's alone. */
static const char *const tmpfs_dirs[] = { "/dev/shm/", "/tmp/", "/run/" };

static struct {
    GMutex lock;
    const gp_arch *arch;
    const gp_syscall_abi *abi;
    gp_register number, args[6], result, stack, space;
    bool registers_ok;
    gp_inject_options options;
    const uint8_t *daemon;
    size_t daemon_size;
    gp_inject_done_fn done;
    char daemon_token[GP_TOKEN_LENGTH + 1]; /* channel 0's, from the last request */
    struct qemu_plugin_scoreboard *score;
    qemu_plugin_u64 armed;
    GThread *watchdog;
    volatile bool stopping;

    int state;
    gint64 deadline;
    gint64 last_progress;  /* when the hijacked thread last came back */
    bool seen_syscall, uid_mismatch, comm_mismatch, want_again;
    /* Processes a filter refused, as (pid, address space): cr3s are reused
     * by new processes, and a pid survives execve into a new program. */
    struct { uint64_t pid, space; } rejected[MAX_REJECTED];
    unsigned rejected_count;

    /* the hijacked thread */
    uint64_t syscall_pc, return_pc, space_id, stack_pointer, pid;
    uint64_t saved[7];
    step step;
    bool restoring;
    uint64_t scratch;
    int64_t fd;
    size_t written;
    unsigned open_attempt;  /* index into tmpfs_dirs */
    unsigned name_attempt;  /* names tried in that directory */
    char tmpfs_path[64];    /* the file being created, with a fresh random name */
    bool used_file;         /* the daemon is in tmpfs_path, to be unlinked */
    char failure[256]; /* set when this attempt failed for good */
    bool retry;        /* a filter did not match: try another process */
} inj = { .fd = -1 };

/* vCPUs that do not exist yet get their flags in gp_inject_vcpu_init. */
static void set_all(qemu_plugin_u64 entry, uint64_t value)
{
    int count = qemu_plugin_num_vcpus();
    for (int i = 0; i < count; i++) {
        qemu_plugin_u64_set(entry, (unsigned)i, value);
    }
}

/* Results are errors when they lie in -4095..-1 at register width. */
static bool is_error(uint64_t value)
{
    int64_t signed_value = inj.arch->register_bytes == 4 ? (int32_t)value : (int64_t)value;
    return signed_value < 0 && signed_value >= -4095;
}

static int64_t as_signed(uint64_t value)
{
    return inj.arch->register_bytes == 4 ? (int32_t)value : (int64_t)value;
}

static void issue(long number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    gp_register_write(&inj.number, (uint64_t)number);
    const uint64_t values[4] = { a0, a1, a2, a3 };
    for (int i = 0; i < 4; i++) {
        gp_register_write(&inj.args[i], values[i]);
    }
}

/*
 * The injector's only way to write guest memory: OFFSET bytes into the
 * scratch mapping the hijacked thread itself created (private, anonymous,
 * populated for writing). The bounds are asserted, so nothing else of the
 * process can be written, and the write goes through the same page check
 * as every hypercall.
 */
static bool write_scratch(uint32_t offset, const void *data, size_t length)
{
    g_assert(inj.scratch != 0);
    g_assert(offset <= SCRATCH_SIZE && length <= SCRATCH_SIZE - offset);
    return gp_guest_write(NULL, inj.scratch + offset, data, length);
}

static void put_pointer(uint8_t *at, uint64_t value)
{
    for (unsigned i = 0; i < inj.abi->pointer_bytes; i++) {
        at[inj.arch->big_endian ? inj.abi->pointer_bytes - 1 - i : i] = (uint8_t)(value >> (8 * i));
    }
}

/*
 * guest_daemon's environment, one "KEY=value" each: the settings it must
 * know from its first instruction (include/guestplug/daemon.h). Everything
 * the daemon is told at exec goes here, never in argv, which every user
 * can read in /proc.
 */
static GPtrArray *daemon_environment(void)
{
    GPtrArray *environment = g_ptr_array_new_with_free_func(g_free);
    /* Channel 0's token: /proc/PID/environ is readable by the daemon's own
     * user and root only, and the daemon wipes it once read. */
    g_ptr_array_add(environment, g_strdup_printf(GP_TOKEN_ENV "=%s", inj.daemon_token));
    if (!inj.options.use_memfd) {
        g_ptr_array_add(environment, g_strdup(GP_DAEMON_ENV_MEMFD "=" GP_DAEMON_MEMFD_OFF));
    }
    return environment;
}

/* path, argv = { "guest_daemon", NULL } and envp = daemon_environment() in
 * the scratch area. False if it does not fit or cannot be written. */
static bool write_exec_arguments(const char *path)
{
    uint8_t argv[16] = { 0 };
    uint8_t envp[(MAX_ENV + 1) * 8] = { 0 };
    g_autoptr(GPtrArray) environment = daemon_environment();
    uint32_t text = AT_ENV_TEXT;

    if (strlen(path) >= AT_ARGV - AT_PATH || environment->len > MAX_ENV) {
        return false;
    }
    put_pointer(argv, inj.scratch + AT_NAME);
    for (guint i = 0; i < environment->len; i++) {
        const char *entry = g_ptr_array_index(environment, i);
        size_t size = strlen(entry) + 1;
        if (size > AT_DATA - text || !write_scratch(text, entry, size)) {
            return false;
        }
        put_pointer(envp + i * inj.abi->pointer_bytes, inj.scratch + text);
        text += (uint32_t)size;
    }
    return write_scratch(AT_PATH, path, strlen(path) + 1) &&
           write_scratch(AT_ARGV, argv, 2u * inj.abi->pointer_bytes) &&
           write_scratch(AT_ENVP, envp, (environment->len + 1) * inj.abi->pointer_bytes);
}

/* DIR + ".guestplug-" + 32 hex digits from the host's random source, new
 * for every attempt: nobody in the guest can guess it to plant a file or a
 * symlink there first. */
static bool make_tmpfs_path(const char *dir)
{
    uint8_t random_bytes[GP_DAEMON_TMPFS_RANDOM_DIGITS / 2];
    char digits[GP_DAEMON_TMPFS_RANDOM_DIGITS + 1];
    if (getrandom(random_bytes, sizeof random_bytes, 0) != (ssize_t)sizeof random_bytes) {
        return false;
    }
    for (size_t i = 0; i < sizeof random_bytes; i++) {
        g_snprintf(digits + 2 * i, 3, "%02x", random_bytes[i]);
    }
    int length = g_snprintf(inj.tmpfs_path, sizeof inj.tmpfs_path, "%s%s%s", dir,
                            GP_DAEMON_TMPFS_PREFIX, digits);
    return length > 0 && (size_t)length < sizeof inj.tmpfs_path;
}

/* Sets up the registers for STEP, or moves on to the one after. */
static void begin(step next)
{
    const struct gp_syscall_numbers *nr = &inj.abi->numbers;
    inj.step = next;
    switch (next) {
    case STEP_GETPID:
        issue(nr->getpid, 0, 0, 0, 0);
        return;
    case STEP_GETUID:
        issue(nr->getuid, 0, 0, 0, 0);
        return;
    case STEP_MMAP:
        issue(nr->mmap, 0, SCRATCH_SIZE, inj.abi->prot_read_write,
              inj.abi->map_private_anonymous);
        gp_register_write(&inj.args[4], (uint64_t)-1); /* fd */
        gp_register_write(&inj.args[5], 0);            /* offset */
        return;
    case STEP_PRCTL:
        issue(nr->prctl, inj.abi->pr_get_name, inj.scratch + AT_COMM, 0, 0);
        return;
    case STEP_MEMFD:
        issue(nr->memfd_create, inj.scratch + AT_NAME, 0, 0, 0);
        return;
    case STEP_OPEN:
        /* A failed write leaves an empty path: openat fails with ENOENT. */
        if (!make_tmpfs_path(tmpfs_dirs[inj.open_attempt]) ||
            !write_scratch(AT_PATH, inj.tmpfs_path, strlen(inj.tmpfs_path) + 1)) {
            write_scratch(AT_PATH, "", 1);
        }
        issue(nr->openat, (uint64_t)inj.abi->at_fdcwd, inj.scratch + AT_PATH,
              inj.abi->open_create_exclusive, 0700);
        return;
    case STEP_FCHMOD:
        /* The hijacked process's umask may have cleared the execute bit. */
        issue(nr->fchmod, (uint64_t)inj.fd, 0700, 0, 0);
        return;
    case STEP_WRITE: {
        size_t chunk = MIN(inj.daemon_size - inj.written, CHUNK);
        write_scratch(AT_DATA, inj.daemon + inj.written, chunk);
        issue(nr->write, (uint64_t)inj.fd, inj.scratch + AT_DATA, chunk, 0);
        return;
    }
    case STEP_CLOSE_FILE:
    case STEP_CLOSE:
        issue(nr->close, (uint64_t)inj.fd, 0, 0, 0);
        return;
    case STEP_VFORK:
        issue(nr->vfork, 0, 0, 0, 0);
        return;
    case STEP_SETSID:
        issue(nr->setsid, 0, 0, 0, 0);
        return;
    case STEP_EXECVE:
        issue(nr->execve, inj.scratch + AT_PATH, inj.scratch + AT_ARGV, inj.scratch + AT_ENVP, 0);
        return;
    case STEP_EXIT:
        issue(nr->exit_group, 127, 0, 0, 0);
        return;
    case STEP_UNLINK:
        issue(nr->unlinkat, (uint64_t)inj.abi->at_fdcwd, inj.scratch + AT_PATH, 0, 0);
        return;
    case STEP_MUNMAP:
        issue(nr->munmap, inj.scratch, SCRATCH_SIZE, 0, 0);
        return;
    case STEP_RESTORE:
        gp_register_write(&inj.number, inj.saved[0]);
        for (int i = 0; i < 6; i++) {
            gp_register_write(&inj.args[i], inj.saved[i + 1]);
        }
        inj.restoring = true;
        return;
    }
}

/* Undoes what the chain made, whether it succeeded or not: the fd, the
 * tmpfs file (the daemon runs from it already, or never will), the scratch
 * mapping; then the thread gets its registers back. */
static void clean_up(void)
{
    if (inj.fd >= 0) {
        begin(STEP_CLOSE);
    } else if (inj.used_file) {
        begin(STEP_UNLINK);
    } else if (inj.scratch) {
        begin(STEP_MUNMAP);
    } else {
        begin(STEP_RESTORE);
    }
}

/* The file the daemon goes into: a memfd, or a tmpfs file. */
static void begin_daemon_file(void)
{
    inj.open_attempt = inj.name_attempt = 0;
    begin(inj.options.use_memfd ? STEP_MEMFD : STEP_OPEN);
}

static bool is_rejected(uint64_t pid, uint64_t space)
{
    for (unsigned i = 0; i < inj.rejected_count; i++) {
        if (inj.rejected[i].pid == pid && inj.rejected[i].space == space) {
            return true;
        }
    }
    return false;
}

static void reject_this_process(void)
{
    if (inj.rejected_count < MAX_REJECTED) {
        inj.rejected[inj.rejected_count].pid = inj.pid;
        inj.rejected[inj.rejected_count++].space = inj.space_id;
    }
    inj.retry = true;
}

static const char *const step_names[] = {
    "getpid", "getuid", "mmap", "prctl", "memfd_create", "openat", "fchmod", "write", "close",
    "vfork", "setsid", "execve", "exit_group", "close", "unlinkat", "munmap", "restore",
};

/* The injected system call of the current step returned RESULT. */
static void advance(uint64_t result)
{
    inj.last_progress = g_get_monotonic_time();
    if (inj.options.verbose) {
        gp_log("inject: %s returned %" G_GINT64_FORMAT, step_names[inj.step], as_signed(result));
    }
    switch (inj.step) {
    case STEP_GETPID:
        inj.pid = result;
        if (is_rejected(result, inj.space_id)) {
            inj.retry = true; /* a filter said no to this process before */
            begin(STEP_RESTORE);
        } else {
            begin(inj.options.require_root ? STEP_GETUID : STEP_MMAP);
        }
        return;
    case STEP_GETUID:
        if (inj.options.require_root && result != 0) {
            inj.uid_mismatch = true;
            reject_this_process();
            begin(STEP_RESTORE);
        } else {
            begin(STEP_MMAP);
        }
        return;
    case STEP_MMAP:
        if (is_error(result)) {
            reject_this_process();
            begin(STEP_RESTORE);
            return;
        }
        inj.scratch = result;
        if (!write_scratch(AT_NAME, "guest_daemon", sizeof "guest_daemon")) {
            g_snprintf(inj.failure, sizeof inj.failure, "could not write into the scratch mapping at 0x%" G_GINT64_MODIFIER "x",
                         inj.scratch);
            begin(STEP_MUNMAP);
        } else if (inj.options.comm[0]) {
            begin(STEP_PRCTL);
        } else {
            begin_daemon_file();
        }
        return;
    case STEP_PRCTL: {
        char comm[16];
        bool read = gp_guest_read(NULL, inj.scratch + AT_COMM, comm, sizeof comm);
        if (inj.options.verbose && read) {
            g_autofree char *shown =
                gp_printable((const uint8_t *)comm, strnlen(comm, sizeof comm));
            gp_log("inject: the process is named \"%s\"", shown);
        }
        if (is_error(result) || !read ||
            strncmp(comm, inj.options.comm, sizeof comm) != 0) {
            inj.comm_mismatch = true;
            reject_this_process();
            begin(STEP_MUNMAP);
        } else {
            begin_daemon_file();
        }
        return;
    }
    case STEP_MEMFD:
        if (!is_error(result)) {
            inj.fd = (int64_t)result;
            inj.written = 0;
            begin(STEP_WRITE);
        } else {
            begin(STEP_OPEN); /* kernels before 3.17: a file in a tmpfs */
        }
        return;
    case STEP_OPEN:
        if (!is_error(result)) {
            inj.fd = (int64_t)result;
            inj.used_file = true;
            inj.written = 0;
            begin(STEP_FCHMOD);
        } else if (as_signed(result) == -inj.abi->eexist &&
                   ++inj.name_attempt < NAME_ATTEMPTS_PER_DIR) {
            begin(STEP_OPEN); /* someone guessed a name? a fresh one */
        } else if (++inj.open_attempt < G_N_ELEMENTS(tmpfs_dirs)) {
            inj.name_attempt = 0;
            begin(STEP_OPEN);
        } else {
            g_snprintf(inj.failure, sizeof inj.failure,
                       "%s and no tmpfs took a new file for the daemon (%s, /tmp, /run: %"
                       G_GINT64_FORMAT ")", inj.options.use_memfd ? "no memfd_create" :
                       "inject_memfd=off", tmpfs_dirs[0], as_signed(result));
            begin(STEP_MUNMAP);
        }
        return;
    case STEP_FCHMOD:
        begin(STEP_WRITE); /* a failure shows at execve, with its errno */
        return;
    case STEP_WRITE:
        if (is_error(result) || result == 0) {
            g_snprintf(inj.failure, sizeof inj.failure, "writing guest_daemon into the guest failed (%" G_GINT64_FORMAT ")",
                         as_signed(result));
            clean_up();
            return;
        }
        inj.written += result;
        if (inj.written < inj.daemon_size) {
            begin(STEP_WRITE);
            return;
        }
        {
            g_autofree char *path = inj.used_file
                ? g_strdup(inj.tmpfs_path)
                : g_strdup_printf("/proc/self/fd/%" G_GINT64_FORMAT, inj.fd);
            if (!write_exec_arguments(path)) {
                g_snprintf(inj.failure, sizeof inj.failure, "could not write execve's arguments into the guest");
                clean_up();
                return;
            }
        }
        /* A file still open for writing cannot be executed (ETXTBSY). */
        begin(inj.used_file ? STEP_CLOSE_FILE : STEP_VFORK);
        return;
    case STEP_CLOSE_FILE:
        inj.fd = -1;
        begin(STEP_VFORK);
        return;
    case STEP_VFORK:
        if (result == 0) {
            begin(STEP_SETSID); /* the child runs first, in our address space */
        } else {
            g_snprintf(inj.failure, sizeof inj.failure, "vfork failed in the guest (%" G_GINT64_FORMAT ")", as_signed(result));
            clean_up();
        }
        return;
    case STEP_SETSID:
        begin(STEP_EXECVE);
        return;
    case STEP_EXECVE:
    case STEP_EXIT:
        if (as_signed(result) > 0) {
            /* The parent's vfork returns once the child exec'd or exited. */
            clean_up();
        } else {
            g_snprintf(inj.failure, sizeof inj.failure, "execve of guest_daemon failed in the guest (%" G_GINT64_FORMAT ")",
                         as_signed(result));
            begin(STEP_EXIT); /* the child must never return into the process */
        }
        return;
    case STEP_CLOSE:
        inj.fd = -1;
        clean_up();
        return;
    case STEP_UNLINK:
        inj.used_file = false;
        clean_up();
        return;
    case STEP_MUNMAP:
        inj.scratch = 0;
        begin(STEP_RESTORE);
        return;
    case STEP_RESTORE:
        return;
    }
}

static void claim_thread(uint64_t pc, uint64_t length, uint64_t space, uint64_t stack)
{
    inj.state = STATE_RUNNING;
    inj.syscall_pc = pc;
    inj.return_pc = pc + length;
    inj.space_id = space;
    inj.stack_pointer = stack;
    inj.saved[0] = gp_register_read(&inj.number);
    for (int i = 0; i < 6; i++) {
        inj.saved[i + 1] = gp_register_read(&inj.args[i]);
    }
    inj.scratch = 0;
    inj.fd = -1;
    inj.used_file = false;
    inj.restoring = false;
    inj.retry = false;
    inj.failure[0] = '\0';
    gp_block_watch_all(GP_BLOCK_WATCH_INJECT, true);
    inj.last_progress = g_get_monotonic_time();
    if (inj.options.verbose) {
        gp_log("inject: hijacking the thread at pc 0x%" G_GINT64_MODIFIER "x (address space "
               "0x%" G_GINT64_MODIFIER "x, system call %" G_GINT64_FORMAT ")", pc, space,
               (int64_t)inj.saved[0]);
    }
    begin(STEP_GETPID);
}

static char *timeout_reason(void)
{
    if (!inj.seen_syscall) {
        return g_strdup_printf("injection timed out after %u s: no user-space process made a "
                               "system call (is the guest idle? type something on its console)",
                               inj.options.timeout_s);
    }
    if (inj.options.comm[0] && inj.comm_mismatch) {
        return g_strdup_printf("injection timed out after %u s: no process named \"%s\" made a "
                               "system call (filter inject_comm=%s)", inj.options.timeout_s,
                               inj.options.comm, inj.options.comm);
    }
    if (inj.uid_mismatch || inj.options.comm[0]) {
        return g_strdup_printf("injection timed out after %u s: no process %s%s%s made a system "
                               "call (filters inject_uid=%s%s%s)", inj.options.timeout_s,
                               inj.options.require_root ? "running as root" : "",
                               inj.options.comm[0] ? " named " : "", inj.options.comm,
                               inj.options.require_root ? "0" : "any",
                               inj.options.comm[0] ? ", inject_comm=" : "", inj.options.comm);
    }
    return g_strdup_printf("injection timed out after %u s", inj.options.timeout_s);
}

/* Called with the lock held; returns what to tell the done callback. */
static char *finish_locked(bool *ok)
{
    gp_block_watch_all(GP_BLOCK_WATCH_INJECT, false);
    *ok = inj.failure[0] == '\0' && !inj.retry;
    if (inj.retry && g_get_monotonic_time() < inj.deadline) {
        inj.state = STATE_ARMED; /* a filter said no: wait for another process */
        return NULL;
    }
    char *reason = *ok ? NULL : inj.retry ? timeout_reason() : g_strdup(inj.failure);
    inj.state = inj.want_again ? STATE_ARMED : STATE_IDLE;
    inj.want_again = false;
    set_all(inj.armed, inj.state == STATE_ARMED);
    return reason ? reason : g_strdup("");
}

static void report(bool ok, char *reason)
{
    if (reason) {
        inj.done(ok, reason);
        g_free(reason);
    }
}

static void on_syscall(unsigned int vcpu_index, void *userdata)
{
    (void)vcpu_index;
    uint64_t packed = (uint64_t)(uintptr_t)userdata;
    uint64_t pc = packed & ((UINT64_C(1) << 56) - 1);
    uint64_t length = packed >> 56;
    char *reason = NULL;
    bool ok = false;

    g_mutex_lock(&inj.lock);
    if (!inj.registers_ok) {
        g_mutex_unlock(&inj.lock);
        return;
    }
    uint64_t space = gp_register_read(&inj.space);
    uint64_t stack = gp_register_read(&inj.stack);
    if (inj.state == STATE_ARMED) {
        inj.seen_syscall = true;
        claim_thread(pc, length, space, stack);
    } else if (inj.state == STATE_RUNNING && pc == inj.syscall_pc && space == inj.space_id &&
               stack == inj.stack_pointer && inj.restoring) {
        reason = finish_locked(&ok); /* the original system call runs now */
    }
    g_mutex_unlock(&inj.lock);
    report(ok, reason);
}

static void on_block(unsigned vcpu_index, uint64_t block_pc)
{
    (void)vcpu_index;
    g_mutex_lock(&inj.lock);
    if (inj.state != STATE_RUNNING || block_pc != inj.return_pc ||
        gp_register_read(&inj.space) != inj.space_id ||
        gp_register_read(&inj.stack) != inj.stack_pointer) {
        g_mutex_unlock(&inj.lock);
        return;
    }
    advance(gp_register_read(&inj.result));
    uint64_t resume = inj.syscall_pc;
    g_mutex_unlock(&inj.lock);
    qemu_plugin_set_pc(resume); /* back to the system call instruction: does not return */
}

void gp_inject_translate_insn(struct qemu_plugin_insn *insn, const uint8_t *bytes, size_t size,
                              uint64_t vaddr)
{
    /* The length rides in the top byte of the userdata with the address. */
    if (inj.abi && inj.abi->match_syscall(bytes, size) && vaddr < (UINT64_C(1) << 56)) {
        qemu_plugin_register_vcpu_insn_exec_cond_cb(
            insn, on_syscall, QEMU_PLUGIN_CB_RW_REGS_PC, QEMU_PLUGIN_COND_EQ, inj.armed, 1,
            (void *)(uintptr_t)(vaddr | (uint64_t)size << 56));
    }
}

void gp_inject_vcpu_init(unsigned vcpu_index)
{
    static gsize done;
    if (!inj.abi) {
        return;
    }
    g_mutex_lock(&inj.lock);
    qemu_plugin_u64_set(inj.armed, vcpu_index, inj.state != STATE_IDLE);
    g_mutex_unlock(&inj.lock);
    if (!g_once_init_enter(&done)) {
        return;
    }
    const gp_syscall_abi *abi = inj.abi;
    unsigned width = inj.arch->register_bytes;
    bool big = inj.arch->big_endian;
    bool ok = gp_register_find(abi->number_register, width, big, &inj.number) &&
              gp_register_find(abi->result_register, width, big, &inj.result) &&
              gp_register_find(abi->stack_register, width, big, &inj.stack) &&
              gp_register_find(abi->address_space_register, 8, big, &inj.space);
    for (int i = 0; i < 6 && ok; i++) {
        ok = gp_register_find(abi->argument_registers[i], width, big, &inj.args[i]);
    }
    inj.registers_ok = ok;
    if (!ok) {
        gp_log("QEMU does not expose the registers the injector needs on %s; guest plugins "
               "cannot be loaded", inj.arch->target);
    }
    g_once_init_leave(&done, 1);
}

/* Times out an injection that no system call ever let start or finish. */
static gpointer watchdog(gpointer unused)
{
    (void)unused;
    while (!inj.stopping) {
        g_usleep(100 * 1000);
        char *reason = NULL;
        g_mutex_lock(&inj.lock);
        gint64 now = g_get_monotonic_time();
        if (inj.state == STATE_RUNNING && now - inj.last_progress > STALL_LIMIT_US) {
            /* The hijacked thread never came back from an injected system
             * call: killed by a signal, most likely. Try another one. */
            gp_log("injection: the hijacked thread (pid %" G_GINT64_FORMAT ") stopped "
                   "answering during %s; trying another process", (int64_t)inj.pid,
                   step_names[inj.step]);
            gp_block_watch_all(GP_BLOCK_WATCH_INJECT, false);
            inj.state = STATE_ARMED;
        }
        if (inj.state == STATE_ARMED && now >= inj.deadline) {
            reason = timeout_reason();
            inj.state = STATE_IDLE;
            inj.want_again = false;
            set_all(inj.armed, 0);
        }
        g_mutex_unlock(&inj.lock);
        report(false, reason);
    }
    return NULL;
}

void gp_inject_init(const gp_arch *arch, const gp_inject_options *options,
                    const uint8_t *daemon, size_t daemon_size, gp_inject_done_fn done)
{
    inj.arch = arch;
    inj.abi = arch->syscall;
    inj.options = *options;
    inj.daemon = daemon;
    inj.daemon_size = daemon_size;
    inj.done = done;
    inj.score = qemu_plugin_scoreboard_new(sizeof(flags));
    inj.armed = (qemu_plugin_u64){ inj.score, offsetof(flags, armed) };
    gp_block_watch_set_handler(GP_BLOCK_WATCH_INJECT, on_block);
    inj.watchdog = g_thread_new("guestplug-inject", watchdog, NULL);
}

void gp_inject_request(const char *daemon_token)
{
    g_mutex_lock(&inj.lock);
    g_strlcpy(inj.daemon_token, daemon_token ? daemon_token : "", sizeof inj.daemon_token);
    if (inj.state == STATE_IDLE) {
        inj.state = STATE_ARMED;
        inj.deadline = g_get_monotonic_time() + (gint64)inj.options.timeout_s * G_USEC_PER_SEC;
        inj.seen_syscall = inj.uid_mismatch = inj.comm_mismatch = false;
        inj.rejected_count = 0;
        set_all(inj.armed, 1);
    } else if (inj.state == STATE_RUNNING) {
        inj.want_again = true;
    }
    g_mutex_unlock(&inj.lock);
}

void gp_inject_reset(void)
{
    g_mutex_lock(&inj.lock);
    bool was_running = inj.state == STATE_RUNNING;
    if (was_running) {
        inj.state = STATE_IDLE;
        gp_block_watch_all(GP_BLOCK_WATCH_INJECT, false);
        set_all(inj.armed, 0);
    }
    g_mutex_unlock(&inj.lock);
}

void gp_inject_shutdown(void)
{
    if (inj.watchdog) {
        inj.stopping = true;
        g_thread_join(inj.watchdog);
        inj.watchdog = NULL;
    }
}
