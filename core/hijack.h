/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One hijacked guest thread and the chain of system calls it runs for the
 * injector (core/inject.h says how a thread is chosen): who is it (getpid,
 * getuid, prctl(PR_GET_NAME)), is it sandboxed by seccomp, is it in an initramfs that will hand over to
 * the real root, then a scratch mapping, the daemon written into a memfd
 * (or a tmpfs file), vfork, and in the child setsid and an exec by
 * execveat(fd, "", AT_EMPTY_PATH), then /proc/self/fd/N, then the tmpfs
 * file. Whatever happens, the thread ends with everything the chain made
 * undone (the descriptor, the file, the mapping) and its registers as they
 * were: nothing else of the process is touched.
 *
 * A thread is taken either at its own system call instruction, which then
 * runs as if nothing happened, or (an idle guest) anywhere in user mode:
 * it is then steered to a system call instruction found in its own code,
 * and after the chain resumes where it was, with every register the
 * instruction overwrites given back.
 *
 * Each injected call returns at the instruction after the system call
 * instruction; the injector recognises the thread there by address space
 * and stack pointer and calls gp_hijack_advance with the result, then
 * moves the thread to gp_hijack_resume_pc. The functions here only touch
 * the registers and memory of the thread they are called on.
 */
#ifndef GP_CORE_HIJACK_H
#define GP_CORE_HIJACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "inject.h"
#include "process_memo.h"
#include "registers.h"

#define GP_HIJACK_FAILURE_MAX 256

/* What the chain needs of the guest, shared by every hijack. */
typedef struct gp_hijack_env {
    const gp_arch *arch;
    const gp_syscall_abi *abi;
    gp_register number, args[6], result, stack;
    unsigned register_arguments; /* the rest are on the stack (abi->stack_arguments_offset) */
    gp_register clobbered[GP_CLOBBERED_REGISTERS];
    unsigned clobbered_count;
    gp_inject_options options;
    const uint8_t *daemon;
    size_t daemon_size;
    const char *daemon_token; /* channel 0's, GP_TOKEN_LENGTH hex digits */
    gp_process_memo *refused; /* processes not to try again */
} gp_hijack_env;

typedef enum gp_hijack_step {
    GP_STEP_GETPID, GP_STEP_GETUID, GP_STEP_MMAP, GP_STEP_PRCTL, GP_STEP_SECCOMP,
    GP_STEP_PROBE_INITRAMFS,
    GP_STEP_MEMFD, GP_STEP_OPEN, GP_STEP_FCHMOD, GP_STEP_WRITE, GP_STEP_CLOSE_FILE,
    GP_STEP_VFORK, GP_STEP_SETSID, GP_STEP_EXECVEAT, GP_STEP_EXECVE, GP_STEP_EXIT,
    GP_STEP_CLOSE, GP_STEP_UNLINK, GP_STEP_MUNMAP, GP_STEP_RESTORE,
} gp_hijack_step;

/* Why a thread did not start the daemon, when it did not. */
typedef enum gp_hijack_refusal {
    GP_REFUSED_NOT,       /* it did, or is still trying */
    GP_REFUSED_BEFORE,    /* a process refused before */
    GP_REFUSED_PID1,      /* init: left alone unless inject_pid1=on */
    GP_REFUSED_UID,       /* inject_uid=0 and it is not root */
    GP_REFUSED_COMM,      /* inject_comm does not match its name */
    GP_REFUSED_INITRAMFS, /* an initramfs that hands over to the real root */
    GP_REFUSED_SECCOMP,   /* sandboxed: a seccomp filter limits its system calls */
    GP_REFUSED_FAILED,    /* a step failed: see failure */
    GP_REFUSED_ABANDONED, /* it stopped answering, so it is only undone */
} gp_hijack_refusal;

typedef struct gp_hijack {
    bool in_use;
    bool takeover;          /* taken outside a system call of its own */
    uint64_t syscall_pc;    /* the instruction every injected call runs at */
    uint64_t pc_flag;       /* its instruction set, for set_pc (gp_syscall_instruction) */
    uint64_t return_pc;     /* where each returns */
    uint64_t resume_pc;     /* takeover: where the thread was */
    uint64_t space_id, stack_pointer, pid;
    uint64_t saved[7];      /* number and arguments */
    uint64_t saved_clobbered[GP_CLOBBERED_REGISTERS];
    /* The stack words that carry the arguments past the registers (o32's
     * 5th and 6th, at sp+16): the chain writes them, RESTORE puts them back. */
    uint8_t saved_stack[16];
    bool stack_saved, stack_written;
    char comm[17];
    gp_hijack_step step;
    bool restoring;         /* registers given back; the original call is next */
    uint64_t scratch;
    int64_t fd;
    size_t written;
    unsigned marker;        /* initramfs marker being probed */
    unsigned open_attempt;  /* index into the tmpfs directories */
    unsigned name_attempt;  /* names tried in that directory */
    char tmpfs_path[64];
    bool used_file;         /* the daemon is in tmpfs_path, to be unlinked */
    bool file_next;         /* after closing the memfd: try a tmpfs file */
    bool started;           /* guest_daemon runs */
    gp_hijack_refusal refusal;
    bool known;             /* refused before: a refusal again is not a new one */
    char failure[GP_HIJACK_FAILURE_MAX]; /* the step, the errno: for the user */
    int64_t last_progress;  /* host microseconds */
} gp_hijack;

/*
 * Takes the calling thread. At its own system call instruction SITE at
 * SITE_PC, or, with TAKEOVER, where set_pc's RESUME_PC would resume it in
 * user mode, steered to the system call instruction SITE at SITE_PC. Saves
 * what the chain changes and sets up the first call; the thread must then
 * run SITE_PC (gp_hijack_resume_pc).
 */
void gp_hijack_start(gp_hijack *h, const gp_hijack_env *env, uint64_t site_pc,
                     const gp_syscall_instruction *site, uint64_t space, uint64_t stack,
                     bool takeover, uint64_t resume_pc, int64_t now);

/* The injected call returned RESULT: sets up the next. */
void gp_hijack_advance(gp_hijack *h, const gp_hijack_env *env, uint64_t result, int64_t now);

/* Gives the thread up: whatever it made is undone when it comes back. */
void gp_hijack_abandon(gp_hijack *h);

/* Is the chain over? Then the registers are restored: a thread taken at
 * its own system call runs it next (h->restoring), a takeover resumes. */
bool gp_hijack_done(const gp_hijack *h);

/* Where the thread goes after gp_hijack_start or gp_hijack_advance, as
 * qemu_plugin_set_pc takes it. */
uint64_t gp_hijack_resume_pc(const gp_hijack *h);

/* "pid 245 (bash)", or what of it is known. */
void gp_hijack_describe(const gp_hijack *h, char *out, size_t size);

const char *gp_hijack_step_name(gp_hijack_step step);

#endif
