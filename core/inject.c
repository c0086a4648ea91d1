/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "inject.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "block_watch.h"
#include "guest_memory.h"
#include "guest_pc.h"
#include "hijack.h"
#include "log.h"
#include "process_memo.h"
#include "registers.h"

#define STALL_LIMIT_US (5 * G_USEC_PER_SEC)
/* No system call for this long while armed: take a thread over wherever it
 * runs in user mode. */
#define IDLE_TAKEOVER_US (G_USEC_PER_SEC / 2)
/* Blocks looked at per takeover attempt: a guest busy in its kernel (a cold
 * boot) pays for these only, once per IDLE_TAKEOVER_US. */
#define TAKEOVER_BUDGET 2000u
/* Threads given up but not yet undone: each is restored when it comes back. */
#define MAX_PARKED 8
/* How far from a thread's code the injector looks for a system call
 * instruction to steer it to, in 4 KiB units each way, within executable
 * memory. */
#define SITE_SCAN_PAGES 256u
#define SCAN_UNIT 4096u
/* The bytes after a site must be on its page: the instruction after it is
 * where each injected call returns, and fetching it must not fault. */
#define SITE_TAIL 16u
/* An address space where no site was found: not a pid. */
#define NO_SITE_PID UINT64_MAX

enum { STATE_IDLE, STATE_ARMED, STATE_RUNNING };

typedef struct flags {
    uint64_t armed;   /* 1: system call instructions call on_syscall */
} flags;

static struct {
    GMutex lock;
    gp_hijack_env env;
    gp_register mode;
    /* Which instruction set a thread runs (gp_arch.instruction_set_register),
     * where the target has more than one. */
    gp_register instruction_set;
    gp_register error_flag; /* gp_syscall_abi.error_flag_register */
    bool registers_ok, instruction_set_found, error_flag_found;
    gp_inject_done_fn done;
    char daemon_token[GP_TOKEN_LENGTH + 1]; /* channel 0's, from the last request */
    struct qemu_plugin_scoreboard *score;
    qemu_plugin_u64 armed;
    GThread *watchdog;
    volatile bool stopping;

    int state;
    gint64 deadline;
    gint64 quiet_since;   /* armed, and no system call since */
    bool want_again;
    bool takeover_wanted; /* idle: every user-mode block may be taken */
    unsigned takeover_budget; /* blocks left to look at in this attempt */
    bool seen_syscall, seen_user_mode;
    bool seen_unknown_space; /* a user thread whose address space was not known yet */
    unsigned refusals[GP_REFUSED_ABANDONED + 1];
    char last_failure[GP_HIJACK_FAILURE_MAX];
    gp_process_memo refused;

    gp_hijack active;              /* in_use while STATE_RUNNING */
    gp_hijack parked[MAX_PARKED];  /* given up, still to be undone */
} inj;

/* vCPUs that do not exist yet get their flags in gp_inject_vcpu_init. */
static void set_all(qemu_plugin_u64 entry, uint64_t value)
{
    int count = qemu_plugin_num_vcpus();
    for (int i = 0; i < count; i++) {
        qemu_plugin_u64_set(entry, (unsigned)i, value);
    }
}

/* Blocks are watched while a thread may come back from an injected call,
 * or while an idle guest waits to be taken over. Lock held. */
static bool any_parked(void)
{
    for (int i = 0; i < MAX_PARKED; i++) {
        if (inj.parked[i].in_use) {
            return true;
        }
    }
    return false;
}

static void update_block_watch(void)
{
    bool on = inj.state == STATE_RUNNING || any_parked() ||
              (inj.state == STATE_ARMED && inj.takeover_wanted);
    gp_block_watch_all(GP_BLOCK_WATCH_INJECT, on);
}

/* Nothing wanted any more: system calls run untouched again. Lock held. */
static void disarm(void)
{
    inj.state = STATE_IDLE;
    inj.want_again = false;
    set_all(inj.armed, 0);
    update_block_watch();
}

static void arm(void)
{
    inj.state = STATE_ARMED;
    inj.quiet_since = g_get_monotonic_time();
    inj.takeover_wanted = false;
    set_all(inj.armed, 1);
}

/* Appends ITEM to the list in TEXT. */
static void add_item(GString *text, const char *item)
{
    g_string_append(text, text->len ? "; " : "");
    g_string_append(text, item);
}

/* Who refused and why, one item per reason: "" if nobody did. */
static char *refusal_summary(void)
{
    GString *text = g_string_new(NULL);
    const gp_inject_options *o = &inj.env.options;
    const unsigned *n = inj.refusals;
    g_autofree char *comm = g_strdup_printf("%u not named \"%s\" (inject_comm=%s)",
                                            n[GP_REFUSED_COMM], o->comm, o->comm);
    g_autofree char *uid = g_strdup_printf("%u not running as root (inject_uid=0; "
                                           "inject_uid=any allows them)", n[GP_REFUSED_UID]);
    g_autofree char *initramfs = g_strdup_printf(
        "%u in an initramfs that hands over to the real root (inject_initramfs=on allows "
        "them, for a guest that stays there)", n[GP_REFUSED_INITRAMFS]);
    g_autofree char *seccomp = g_strdup_printf(
        "%u sandboxed by a seccomp filter (a systemd service's SystemCallFilter=: the next "
        "call could kill it, and a daemon started there would inherit the filter)",
        n[GP_REFUSED_SECCOMP]);
    g_autofree char *failed = g_strdup_printf("%u where a step failed, the last %s",
                                              n[GP_REFUSED_FAILED], inj.last_failure);
    g_autofree char *silent = g_strdup_printf("%u that stopped answering",
                                              n[GP_REFUSED_ABANDONED]);
    if (n[GP_REFUSED_COMM]) {
        add_item(text, comm);
    }
    if (n[GP_REFUSED_UID]) {
        add_item(text, uid);
    }
    if (n[GP_REFUSED_PID1]) {
        add_item(text, "PID 1, init, left alone (inject_pid1=on allows it)");
    }
    if (n[GP_REFUSED_INITRAMFS]) {
        add_item(text, initramfs);
    }
    if (n[GP_REFUSED_SECCOMP]) {
        add_item(text, seccomp);
    }
    if (n[GP_REFUSED_FAILED]) {
        add_item(text, failed);
    }
    if (n[GP_REFUSED_ABANDONED]) {
        add_item(text, silent);
    }
    return g_string_free(text, FALSE);
}

static char *timeout_reason(void)
{
    unsigned timeout = inj.env.options.timeout_s;
    if (!inj.seen_syscall && !inj.seen_user_mode) {
        return g_strdup_printf(
            "injection timed out after %u s: no guest process ran in user mode, every one is "
            "blocked in the kernel (a foreground sleep or read in the snapshot?). Take the "
            "snapshot at an idle shell prompt, or raise inject_timeout past the blocking "
            "command", timeout);
    }
    g_autofree char *refused = refusal_summary();
    if (!inj.seen_syscall && !refused[0] && inj.seen_unknown_space) {
        return g_strdup_printf(
            "injection timed out after %u s: no guest process made a system call, and the "
            "kernel has not shown where the running process's page tables are since the "
            "snapshot was restored (MIPS learns it from the kernel's TLB refill handler, and "
            "mips64el also at a context switch, which a single CPU-bound process may never "
            "cause). Take the snapshot at an idle shell prompt, or run something else in the "
            "guest", timeout);
    }
    if (!inj.seen_syscall && !refused[0]) {
        return g_strdup_printf(
            "injection timed out after %u s: no guest process made a system call, and none "
            "that ran had a system call instruction in its code to be steered to", timeout);
    }
    return g_strdup_printf("injection timed out after %u s, and no process took guest_daemon: "
                           "%s", timeout, refused[0] ? refused : "none was hijacked");
}

/* The active thread's chain is over (or it was given up). Returns what to
 * tell the done callback, NULL for nothing yet. Lock held. */
static char *finish_active_locked(bool *ok)
{
    gp_hijack *h = &inj.active;
    *ok = h->started;
    h->in_use = false;
    if (!h->started) {
        if (!h->known) {
            inj.refusals[h->refusal]++; /* processes, not attempts */
        }
        if (h->refusal == GP_REFUSED_FAILED) {
            g_strlcpy(inj.last_failure, h->failure, sizeof inj.last_failure);
        }
        if (g_get_monotonic_time() < inj.deadline) {
            arm(); /* try another process */
            update_block_watch();
            return NULL;
        }
    }
    char *reason = *ok ? g_strdup("") : timeout_reason();
    if (inj.want_again) {
        inj.want_again = false;
        arm();
        update_block_watch();
    } else {
        disarm();
    }
    return reason;
}

static void report(bool ok, char *reason)
{
    if (reason) {
        inj.done(ok, reason);
        g_free(reason);
    }
}

/* The calling thread's address space; false while it is not known (MIPS,
 * before the kernel has shown its page-table root): no thread is taken
 * then, since none could be recognised when it comes back. */
static bool current_space(uint64_t *space)
{
    gp_guest_view view = GP_GUEST_VIEW_INIT;
    *space = 0;
    return gp_guest_address_space(&view, space);
}

/* What the injected call returned, as -errno or a value: where the ABI
 * flags errors in a register (MIPS a3), the result is a positive errno. */
static uint64_t syscall_result(void)
{
    uint64_t result = gp_register_read(&inj.env.result);
    if (inj.error_flag_found && gp_register_read(&inj.error_flag) != 0) {
        result = -result;
    }
    return result;
}

/* Could the PC be the start of a thread's code of the ABI's own
 * instruction set (MIPS: not MIPS16 or microMIPS, whose PCs are odd)? */
static bool takeover_aligned(uint64_t pc)
{
    unsigned alignment = inj.env.abi->takeover_alignment;
    return alignment == 0 || pc % alignment == 0;
}

/* The thread of ours that a block at PC in SPACE with STACK continues. */
static gp_hijack *thread_at(uint64_t pc, uint64_t space, uint64_t stack, bool returning)
{
    gp_hijack *all[MAX_PARKED + 1] = { &inj.active };
    for (int i = 0; i < MAX_PARKED; i++) {
        all[i + 1] = &inj.parked[i];
    }
    for (int i = 0; i <= MAX_PARKED; i++) {
        gp_hijack *h = all[i];
        if (h->in_use && h->space_id == space && h->stack_pointer == stack &&
            (returning ? pc == h->return_pc : pc == h->syscall_pc && h->restoring)) {
            return h;
        }
    }
    return NULL;
}

/* Could a thread of ours come back from an injected call at PC? */
static bool returns_here(uint64_t pc)
{
    if (inj.active.in_use && inj.active.return_pc == pc) {
        return true;
    }
    for (int i = 0; i < MAX_PARKED; i++) {
        if (inj.parked[i].in_use && inj.parked[i].return_pc == pc) {
            return true;
        }
    }
    return false;
}

/* A thread of ours ended its chain: its slot is free. Lock held. */
static char *thread_done(gp_hijack *h, bool *ok)
{
    if (h == &inj.active) {
        return finish_active_locked(ok);
    }
    h->in_use = false;
    update_block_watch();
    return NULL;
}

/* The system call instruction of LENGTH bytes at PC, if this process's
 * executable memory holds one there (an offset added to the wrong block
 * start would not), else NULL; *IS_SITE as gp_syscall_match says. */
static const gp_syscall_instruction *syscall_at(uint64_t pc, uint64_t length, bool *is_site)
{
    uint8_t bytes[sizeof ((gp_syscall_instruction *)NULL)->bytes];
    gp_guest_view view = GP_GUEST_VIEW_INIT;
    if (length > sizeof bytes || !gp_guest_executable(&view, pc, length) ||
        !gp_guest_read(&view, pc, bytes, length)) {
        return NULL;
    }
    return gp_syscall_match(inj.env.abi, bytes, length, is_site);
}

/* Is the thread running user code of the kernel's own ABI (MODE: the mode
 * register's value)? Lock held. */
static bool in_user_mode(uint64_t *mode)
{
    return gp_register_try_read(&inj.mode, mode) && inj.env.abi->is_user_mode(*mode);
}

/* A system call instruction the process could run, near PC: in the same
 * executable memory, with its tail on the same 4 KiB; on each page, one of
 * the instruction set PC_FLAG says the thread runs first (set_pc could
 * switch, but the other set's bytes there may be another instruction's
 * halves). 0 if none; else *SITE is which of the ABI's sites it is. */
static uint64_t find_site(uint64_t pc, uint64_t pc_flag, const gp_syscall_instruction **site)
{
    const gp_syscall_abi *abi = inj.env.abi;
    static uint8_t page[SCAN_UNIT]; /* the lock is held */
    uint64_t base = pc & ~(uint64_t)(SCAN_UNIT - 1);
    bool open_up = true, open_down = true;

    for (unsigned distance = 0; distance < SITE_SCAN_PAGES && (open_up || open_down);
         distance++) {
        for (int direction = 0; direction < 2; direction++) {
            bool *open = direction ? &open_down : &open_up;
            uint64_t offset = (uint64_t)distance * SCAN_UNIT;
            if (!*open || (direction && (distance == 0 || offset > base))) {
                continue;
            }
            uint64_t at = direction ? base - offset : base + offset;
            if (!gp_guest_executable(NULL, at, SCAN_UNIT) ||
                !gp_guest_read(NULL, at, page, SCAN_UNIT)) {
                *open = false;
                continue;
            }
            for (int same_set = 1; same_set >= 0; same_set--) {
                for (size_t form = 0; form < G_N_ELEMENTS(abi->sites); form++) {
                    const gp_syscall_instruction *s = &abi->sites[form];
                    if ((s->pc_flag == pc_flag) != same_set) {
                        continue;
                    }
                    for (uint32_t i = 0; s->length && i + s->length + SITE_TAIL <= SCAN_UNIT;
                         i += s->alignment) {
                        if (memcmp(page + i, s->bytes, s->length) == 0 &&
                            !(abi->in_delay_slot &&
                              (i < 4 || abi->in_delay_slot(page + i - 4)))) {
                            *site = s;
                            return at + i;
                        }
                    }
                }
            }
        }
    }
    return 0;
}

/* Takes the thread about to run the instruction at PC over, if it is in
 * user mode and a system call instruction is at hand: an idle guest's, or
 * one stopped at a system call no chain can run at. Returns where to steer
 * it (for set_pc), 0 to leave it. Lock held. */
static uint64_t take_over(uint64_t pc)
{
    uint64_t mode = 0;
    if (!in_user_mode(&mode)) {
        return 0;
    }
    inj.seen_user_mode = true;
    gint64 now = g_get_monotonic_time();
    uint64_t space;
    if (!takeover_aligned(pc)) {
        return 0;
    }
    if (!current_space(&space)) {
        inj.seen_unknown_space = true;
        return 0;
    }
    if (gp_process_memo_skip(&inj.refused, space, now)) {
        return 0;
    }
    uint64_t set = 0;
    uint64_t pc_flag = inj.instruction_set_found &&
                       gp_register_try_read(&inj.instruction_set, &set) &&
                       (set & inj.env.arch->instruction_set_flag) ? 1 : 0;
    const gp_syscall_instruction *site_form = NULL;
    uint64_t site = find_site(pc, pc_flag, &site_form);
    if (!site) {
        gp_process_memo_add(&inj.refused, space, NO_SITE_PID, false, now);
        return 0;
    }
    uint64_t stack = gp_register_read(&inj.env.stack);
    if (inj.env.options.verbose) {
        gp_log("inject: taking the thread at 0x%" G_GINT64_MODIFIER "x over, through the system "
               "call instruction at 0x%" G_GINT64_MODIFIER "x", pc, site);
    }
    uint64_t resume = pc | pc_flag;
    gp_hijack_start(&inj.active, &inj.env, site, site_form, space, stack, true, resume, now);
    inj.state = STATE_RUNNING;
    inj.takeover_wanted = false;
    update_block_watch();
    return gp_hijack_resume_pc(&inj.active);
}

static void on_syscall(unsigned int vcpu_index, void *userdata)
{
    uint64_t packed = (uint64_t)(uintptr_t)userdata;
    uint64_t length = packed >> 56;
    char *reason = NULL;
    bool ok = false;
    uint64_t resume = 0;

    gp_guest_memory_enter(vcpu_index);
    g_mutex_lock(&inj.lock);
    if (!inj.registers_ok || inj.state == STATE_IDLE) {
        g_mutex_unlock(&inj.lock);
        return;
    }
    uint64_t pc = gp_guest_pc_block_start() + (packed & ((UINT64_C(1) << 56) - 1));
    uint64_t space;
    if (!takeover_aligned(pc) || !current_space(&space)) {
        g_mutex_unlock(&inj.lock);
        return;
    }
    uint64_t stack = gp_register_read(&inj.env.stack);
    gint64 now = g_get_monotonic_time();
    gp_hijack *h = thread_at(pc, space, stack, false);
    if (h) {
        reason = thread_done(h, &ok); /* restored: its own system call runs now */
    } else if (inj.state == STATE_ARMED) {
        inj.seen_syscall = true;
        inj.quiet_since = now;
        /* A refused process costs only the memo's lookup. A thread is taken
         * only where the PC register's sum really is its system call
         * instruction: never steered on a guess. */
        bool is_site = false;
        const gp_syscall_instruction *found = NULL;
        uint64_t mode;
        if (!gp_process_memo_skip(&inj.refused, space, now) && in_user_mode(&mode)) {
            found = syscall_at(pc, length, &is_site);
        }
        if (found && is_site) {
            gp_hijack_start(&inj.active, &inj.env, pc, found, space, stack, false, 0, now);
            inj.state = STATE_RUNNING;
            update_block_watch();
        } else if (found) {
            resume = take_over(pc); /* no chain can run here (i386 sysenter) */
        }
    }
    g_mutex_unlock(&inj.lock);
    report(ok, reason);
    if (resume) {
        qemu_plugin_set_pc(resume); /* does not return */
    }
}

static void on_block(unsigned vcpu_index, uint64_t block_pc)
{
    char *reason = NULL;
    bool ok = false;

    gp_guest_memory_enter(vcpu_index);
    g_mutex_lock(&inj.lock);
    /* Every block runs this while a thread is ours: only the one after a
     * system call instruction of ours is worth reading registers for. */
    if (!returns_here(block_pc) && !(inj.state == STATE_ARMED && inj.takeover_wanted)) {
        g_mutex_unlock(&inj.lock);
        return;
    }
    uint64_t space;
    bool space_known = current_space(&space);
    uint64_t stack = gp_register_read(&inj.env.stack);
    gp_hijack *h = space_known ? thread_at(block_pc, space, stack, true) : NULL;
    uint64_t resume = 0;
    if (h) {
        gp_hijack_advance(h, &inj.env, syscall_result(), g_get_monotonic_time());
        resume = gp_hijack_resume_pc(h);
        /* Done: a takeover is back where it was taken. A parked thread runs
         * its own system call next, and the memo keeps it from being taken
         * again; the active one is released at that system call. */
        if (gp_hijack_done(h) && (h->takeover || h != &inj.active)) {
            reason = thread_done(h, &ok);
        }
    } else if (inj.state == STATE_ARMED && inj.takeover_wanted) {
        resume = take_over(block_pc);
        if (!resume && --inj.takeover_budget == 0) {
            inj.takeover_wanted = false; /* the watchdog tries again later */
            inj.quiet_since = g_get_monotonic_time();
            update_block_watch();
        }
    }
    g_mutex_unlock(&inj.lock);
    report(ok, reason);
    if (resume) {
        qemu_plugin_set_pc(resume); /* does not return */
    }
}

void gp_inject_translate_insn(struct qemu_plugin_insn *insn, const uint8_t *bytes, size_t size,
                              uint64_t offset, const uint8_t *previous)
{
    /* The length rides in the top byte of the userdata with the offset. */
    bool is_site;
    const gp_syscall_abi *abi = inj.env.abi;
    if (abi && offset < (UINT64_C(1) << 56) && gp_syscall_match(abi, bytes, size, &is_site) &&
        !(abi->in_delay_slot && previous && abi->in_delay_slot(previous))) {
        qemu_plugin_register_vcpu_insn_exec_cond_cb(
            insn, on_syscall, QEMU_PLUGIN_CB_RW_REGS_PC, QEMU_PLUGIN_COND_EQ, inj.armed, 1,
            (void *)(uintptr_t)(offset | (uint64_t)size << 56));
    }
}

void gp_inject_vcpu_init(unsigned vcpu_index)
{
    static gsize done;
    if (!inj.env.abi) {
        return;
    }
    g_mutex_lock(&inj.lock);
    qemu_plugin_u64_set(inj.armed, vcpu_index, inj.state != STATE_IDLE);
    g_mutex_unlock(&inj.lock);
    if (!g_once_init_enter(&done)) {
        return;
    }
    gp_hijack_env *env = &inj.env;
    const gp_syscall_abi *abi = env->abi;
    unsigned width = env->arch->register_bytes;
    bool big = env->arch->big_endian;
    bool ok = gp_register_find(abi->number_register, width, big, &env->number) &&
              gp_register_find(abi->result_register, width, big, &env->result) &&
              gp_register_find(abi->stack_register, width, big, &env->stack) &&
              gp_register_find(abi->mode_register, width, big, &inj.mode);
    env->register_arguments = 0;
    for (int i = 0; i < 6 && ok && abi->argument_registers[i]; i++) {
        ok = gp_register_find(abi->argument_registers[i], width, big, &env->args[i]);
        env->register_arguments = i + 1;
    }
    inj.error_flag_found = abi->error_flag_register &&
                           gp_register_find(abi->error_flag_register, width, big, &inj.error_flag);
    ok = ok && (!abi->error_flag_register || inj.error_flag_found);
    for (unsigned i = 0; ok && i < G_N_ELEMENTS(abi->clobbered_registers) &&
                         abi->clobbered_registers[i]; i++) {
        ok = gp_register_find(abi->clobbered_registers[i], width, big, &env->clobbered[i]);
        env->clobbered_count = i + 1;
    }
    const char *set_register = env->arch->instruction_set_register;
    inj.instruction_set_found =
        set_register && gp_register_find(set_register, 8, big, &inj.instruction_set);
    ok = ok && (!set_register || inj.instruction_set_found);
    inj.registers_ok = ok;
    if (!ok) {
        gp_log("QEMU does not expose the registers the injector needs on %s; guest plugins "
               "cannot be loaded", env->arch->target);
    }
    g_once_init_leave(&done, 1);
}

/* The active thread stopped answering: park it, so that it is restored if
 * it ever comes back, and try another. Lock held. */
static char *give_up_active(bool *ok)
{
    char who[64];
    gp_hijack_describe(&inj.active, who, sizeof who);
    gp_log("inject: %s stopped answering during %s; trying another process (it is restored "
           "if it comes back)", who, gp_hijack_step_name(inj.active.step));
    int slot = 0;
    for (int i = 0; i < MAX_PARKED; i++) {
        if (!inj.parked[i].in_use) {
            slot = i;
            break;
        }
        if (inj.parked[i].last_progress < inj.parked[slot].last_progress) {
            slot = i; /* full: the one silent longest is forgotten */
        }
    }
    gp_hijack_abandon(&inj.active);
    inj.parked[slot] = inj.active;
    if (!inj.active.started) {
        gp_process_memo_add(&inj.refused, inj.active.space_id, inj.active.pid, false,
                            g_get_monotonic_time());
    }
    return finish_active_locked(ok);
}

/* Times out an injection that no system call ever let start or finish, and
 * turns to taking threads over when the guest makes no system calls. */
static gpointer watchdog(gpointer unused)
{
    (void)unused;
    while (!inj.stopping) {
        g_usleep(100 * 1000);
        char *reason = NULL;
        bool ok = false;
        g_mutex_lock(&inj.lock);
        gint64 now = g_get_monotonic_time();
        if (inj.state == STATE_RUNNING && now - inj.active.last_progress > STALL_LIMIT_US) {
            reason = give_up_active(&ok);
        }
        if (!reason && inj.state == STATE_ARMED && now >= inj.deadline) {
            reason = timeout_reason();
            disarm();
        } else if (inj.state == STATE_ARMED && !inj.takeover_wanted &&
                   now - inj.quiet_since > IDLE_TAKEOVER_US && inj.env.abi->is_user_mode) {
            inj.takeover_wanted = true;
            inj.takeover_budget = TAKEOVER_BUDGET;
            update_block_watch();
        }
        g_mutex_unlock(&inj.lock);
        report(ok, reason);
    }
    return NULL;
}

void gp_inject_init(const gp_arch *arch, const gp_inject_options *options,
                    const uint8_t *daemon, size_t daemon_size, gp_inject_done_fn done)
{
    inj.env.arch = arch;
    inj.env.abi = arch->syscall;
    inj.env.options = *options;
    inj.env.daemon = daemon;
    inj.env.daemon_size = daemon_size;
    inj.env.daemon_token = inj.daemon_token;
    inj.env.refused = &inj.refused;
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
        inj.deadline = g_get_monotonic_time() + (gint64)inj.env.options.timeout_s * G_USEC_PER_SEC;
        inj.seen_syscall = inj.seen_user_mode = inj.seen_unknown_space = false;
        memset(inj.refusals, 0, sizeof inj.refusals);
        inj.last_failure[0] = '\0';
        gp_process_memo_clear(&inj.refused);
        arm();
    } else if (inj.state == STATE_RUNNING) {
        inj.want_again = true;
    }
    g_mutex_unlock(&inj.lock);
}

void gp_inject_reset(void)
{
    g_mutex_lock(&inj.lock);
    /* The guest forgot the threads we had: nothing of theirs comes back. */
    for (int i = 0; i < MAX_PARKED; i++) {
        inj.parked[i].in_use = false;
    }
    gp_process_memo_clear(&inj.refused);
    if (inj.state == STATE_RUNNING) {
        inj.active.in_use = false;
        inj.state = STATE_IDLE;
        set_all(inj.armed, 0);
    }
    inj.takeover_wanted = false;
    update_block_watch();
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
