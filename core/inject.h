/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The injector: starts guest_daemon in a guest that was never prepared for
 * it (SPEC §5). It hijacks one user-space thread at a system call
 * instruction (or, in a guest that makes none, wherever a thread runs in
 * user mode), makes it run a chain of system calls on our behalf
 * (core/hijack.h), then restores the thread exactly. This file chooses the
 * thread, remembers refused processes (process_memo.h), keeps given-up
 * threads until they come back, and times out; docs/injection.md tells
 * the whole story. No OS profile, no kernel data structures.
 *
 * Without memfd_create (kernels before 3.17, or inject_memfd=off) the daemon
 * goes into a new file in a world-writable tmpfs, where any local user can
 * see it: its name is random per attempt (from the host's getrandom), it is
 * created O_EXCL|O_NOFOLLOW with mode 0700, closed before the exec and
 * unlinked right after.
 *
 * Idle cost is nil: the callbacks on system call instructions and on block
 * entry (block_watch.h) are conditional on per-vCPU flags that are 0 unless
 * an injection is under way.
 */
#ifndef GP_CORE_INJECT_H
#define GP_CORE_INJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "qemu/qemu-plugin-api.h"

typedef struct gp_inject_options {
    bool require_root;     /* inject_uid=0 (default) or any */
    char comm[16];         /* inject_comm: only a process of this name; "" = any */
    unsigned timeout_s;    /* inject_timeout */
    bool use_memfd;        /* inject_memfd=on (default); off: the tmpfs fallback, in the
                            * injector and in guest_daemon, as on kernels before 3.17 */
    bool verbose;          /* log every step (core argument verbose=on) */
    bool allow_pid1;       /* inject_pid1=on: init may be hijacked too */
    bool allow_initramfs;  /* inject_initramfs=on: so may an initramfs that will switch
                            * to the real root */
} gp_inject_options;

/* Called once per request: OK, or not with a reason naming what failed. */
typedef void (*gp_inject_done_fn)(bool ok, const char *reason);

void gp_inject_init(const gp_arch *arch, const gp_inject_options *options,
                    const uint8_t *daemon, size_t daemon_size, gp_inject_done_fn done);

/*
 * Starts trying to inject, unless already trying. DAEMON_TOKEN is channel
 * 0's token (GP_TOKEN_LENGTH hex digits), which the daemon gets in its
 * environment: the newest request's is the one used. Any thread.
 */
void gp_inject_request(const char *daemon_token);

/* A snapshot revert: drop whatever was under way (the guest forgot it). */
void gp_inject_reset(void);

void gp_inject_vcpu_init(unsigned vcpu_index);
/* Translation: each instruction of a new block (BYTES at OFFSET from the
 * block's start, guest_pc.h); PREVIOUS, the 4 bytes of the instruction
 * before it in the block, or NULL (for delay slots). */
void gp_inject_translate_insn(struct qemu_plugin_insn *insn, const uint8_t *bytes, size_t size,
                              uint64_t offset, const uint8_t *previous);
void gp_inject_shutdown(void);

#endif
