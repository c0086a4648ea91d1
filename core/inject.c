/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "inject.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "guest_memory.h"
#include "log.h"
#include "registers.h"

#define CHUNK (64u * 1024u)            /* bytes per injected write() */
#define SCRATCH_SIZE (4096u + CHUNK)
/* Layout of the scratch mapping. */
#define AT_NAME 0u
#define AT_PATH 64u
#define AT_ARGV 512u
#define AT_ENVP 576u
#define AT_COMM 1024u
#define AT_DATA 4096u
#define MAX_REJECTED 256
#define STALL_LIMIT_US (5 * G_USEC_PER_SEC)

/* The chain of system calls, in order; some are skipped. */
typedef enum step {
    STEP_GETPID, STEP_GETUID, STEP_MMAP, STEP_PRCTL, STEP_MEMFD, STEP_OPEN, STEP_WRITE, STEP_CLOSE_FILE,
    STEP_VFORK, STEP_SETSID, STEP_EXECVE, STEP_EXIT, STEP_CLOSE, STEP_UNLINK, STEP_MUNMAP,
    STEP_RESTORE,
} step;

enum { STATE_IDLE, STATE_ARMED, STATE_RUNNING };

typedef struct flags {
    uint64_t armed;   /* 1: system call instructions call on_syscall */
    uint64_t waiting; /* 1: every block entry calls on_block (catching the return) */
} flags;

static const char *const tmpfs_files[] = { "/dev/shm/.guestplug-daemon",
                                           "/tmp/.guestplug-daemon", "/run/.guestplug-daemon" };

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
    struct qemu_plugin_scoreboard *score;
    qemu_plugin_u64 armed, waiting;
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
    unsigned open_attempt;
    bool used_file;
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

static void put_pointer(uint8_t *at, uint64_t value)
{
    for (unsigned i = 0; i < inj.abi->pointer_bytes; i++) {
        at[inj.arch->big_endian ? inj.abi->pointer_bytes - 1 - i : i] = (uint8_t)(value >> (8 * i));
    }
}

/* path, argv = { "guest_daemon", NULL }, envp = { NULL } in the scratch area. */
static bool write_exec_arguments(const char *path)
{
    uint8_t pointers[32] = { 0 };
    put_pointer(pointers, inj.scratch + AT_NAME);
    return gp_guest_write(inj.scratch + AT_PATH, path, strlen(path) + 1) &&
           gp_guest_write(inj.scratch + AT_ARGV, pointers, 2u * inj.abi->pointer_bytes) &&
           gp_guest_write(inj.scratch + AT_ENVP, pointers + 16, inj.abi->pointer_bytes);
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
        gp_guest_write(inj.scratch + AT_PATH, tmpfs_files[inj.open_attempt],
                    strlen(tmpfs_files[inj.open_attempt]) + 1);
        issue(nr->openat, (uint64_t)inj.abi->at_fdcwd, inj.scratch + AT_PATH,
              inj.abi->open_create, 0700);
        return;
    case STEP_WRITE: {
        size_t chunk = MIN(inj.daemon_size - inj.written, CHUNK);
        gp_guest_write(inj.scratch + AT_DATA, inj.daemon + inj.written, chunk);
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

/* Where to go after a failure once the scratch area may exist. */
static void clean_up_from(step failed)
{
    if (inj.fd >= 0 && failed != STEP_CLOSE && failed != STEP_CLOSE_FILE && !inj.used_file) {
        begin(STEP_CLOSE);
    } else if (inj.scratch) {
        begin(STEP_MUNMAP);
    } else {
        begin(STEP_RESTORE);
    }
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
    "getpid", "getuid", "mmap", "prctl", "memfd_create", "openat", "write", "close", "vfork", "setsid",
    "execve", "exit_group", "close", "unlinkat", "munmap", "restore",
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
        if (!gp_guest_write(inj.scratch + AT_NAME, "guest_daemon", sizeof "guest_daemon")) {
            g_snprintf(inj.failure, sizeof inj.failure, "could not write into the scratch mapping at 0x%" G_GINT64_MODIFIER "x",
                         inj.scratch);
            begin(STEP_MUNMAP);
        } else {
            begin(inj.options.comm[0] ? STEP_PRCTL : STEP_MEMFD);
        }
        return;
    case STEP_PRCTL: {
        char comm[16];
        bool read = gp_guest_read(inj.scratch + AT_COMM, comm, sizeof comm);
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
            begin(STEP_MEMFD);
        }
        return;
    }
    case STEP_MEMFD:
    case STEP_OPEN:
        if (!is_error(result)) {
            inj.fd = (int64_t)result;
            inj.used_file = inj.step == STEP_OPEN;
            inj.written = 0;
            begin(STEP_WRITE);
        } else if (inj.step == STEP_OPEN && ++inj.open_attempt >= G_N_ELEMENTS(tmpfs_files)) {
            g_snprintf(inj.failure, sizeof inj.failure, "no memfd_create (%" G_GINT64_FORMAT ") and no writable tmpfs for "
                         "the daemon (%s, ...: %" G_GINT64_FORMAT ")",
                         as_signed(result), tmpfs_files[0], as_signed(result));
            begin(STEP_MUNMAP);
        } else {
            if (inj.step == STEP_MEMFD) {
                inj.open_attempt = 0;
            }
            begin(STEP_OPEN); /* kernels before 3.17: a file in a tmpfs */
        }
        return;
    case STEP_WRITE:
        if (is_error(result) || result == 0) {
            g_snprintf(inj.failure, sizeof inj.failure, "writing guest_daemon into the guest failed (%" G_GINT64_FORMAT ")",
                         as_signed(result));
            clean_up_from(STEP_WRITE);
            return;
        }
        inj.written += result;
        if (inj.written < inj.daemon_size) {
            begin(STEP_WRITE);
            return;
        }
        {
            g_autofree char *path = inj.used_file
                ? g_strdup(tmpfs_files[inj.open_attempt])
                : g_strdup_printf("/proc/self/fd/%" G_GINT64_FORMAT, inj.fd);
            if (!write_exec_arguments(path)) {
                g_snprintf(inj.failure, sizeof inj.failure, "could not write execve's arguments into the guest");
                clean_up_from(STEP_WRITE);
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
            clean_up_from(STEP_VFORK);
        }
        return;
    case STEP_SETSID:
        begin(STEP_EXECVE);
        return;
    case STEP_EXECVE:
    case STEP_EXIT:
        if (as_signed(result) > 0) {
            /* The parent's vfork returns once the child exec'd or exited. */
            begin(inj.fd >= 0 ? STEP_CLOSE : inj.used_file ? STEP_UNLINK : STEP_MUNMAP);
        } else {
            g_snprintf(inj.failure, sizeof inj.failure, "execve of guest_daemon failed in the guest (%" G_GINT64_FORMAT ")",
                         as_signed(result));
            begin(STEP_EXIT); /* the child must never return into the process */
        }
        return;
    case STEP_CLOSE:
        inj.fd = -1;
        begin(inj.used_file ? STEP_UNLINK : STEP_MUNMAP);
        return;
    case STEP_UNLINK:
        begin(STEP_MUNMAP);
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
    set_all(inj.waiting, 1);
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
    set_all(inj.waiting, 0);
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

static void on_block(unsigned int vcpu_index, void *userdata)
{
    (void)vcpu_index;
    uint64_t block_pc = (uint64_t)(uintptr_t)userdata;

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

void gp_inject_translate_tb(struct qemu_plugin_tb *tb)
{
    if (inj.abi) {
        qemu_plugin_register_vcpu_tb_exec_cond_cb(tb, on_block, QEMU_PLUGIN_CB_RW_REGS_PC,
                                                  QEMU_PLUGIN_COND_EQ, inj.waiting, 1,
                                                  (void *)(uintptr_t)qemu_plugin_tb_vaddr(tb));
    }
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
    qemu_plugin_u64_set(inj.waiting, vcpu_index, inj.state == STATE_RUNNING);
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
            set_all(inj.waiting, 0);
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
    inj.waiting = (qemu_plugin_u64){ inj.score, offsetof(flags, waiting) };
    inj.watchdog = g_thread_new("guestplug-inject", watchdog, NULL);
}

void gp_inject_request(void)
{
    g_mutex_lock(&inj.lock);
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
        set_all(inj.waiting, 0);
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
