/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hypercall dispatch: ops 1-9 of include/guestplug/abi.h against the channel
 * table. Independent of QEMU: guest memory and the caller's address space
 * are reached through the callbacks of gp_guest_memory, so the unit tests
 * drive it with a fake vCPU. Every value from the guest is untrusted (SPEC
 * §9), and every op on a channel is answered as the channel's owners would
 * be answered only for an address space that owns it (core/channel_table.h).
 */
#ifndef GP_CORE_HYPERCALL_H
#define GP_CORE_HYPERCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel_table.h"

/*
 * Guest memory as the calling process sees it (core/guest_memory.c in QEMU,
 * a fake vCPU in the tests). The dispatcher asks mapped() before it reads
 * or writes a range, and touches nothing mapped() refused: a hypercall may
 * only read what the calling process could read from user mode, and only
 * write what it could write (SPEC §9).
 */
typedef struct gp_guest_memory {
    /* May the calling process access every byte of [ADDR, ADDR+LEN) from
     * user mode: present and user-accessible, and for FOR_WRITE writable
     * too (so not read-only, not copy-on-write still to be broken)? */
    bool (*mapped)(void *context, uint64_t addr, size_t len, bool for_write);
    /* Copy LEN bytes at guest virtual ADDR; only after mapped(.., false)
     * said yes for the range. False if the memory did not answer. */
    bool (*read)(void *context, uint64_t addr, void *buf, size_t len);
    /* Write LEN bytes; only after mapped(.., true) said yes for the range. */
    bool (*write)(void *context, uint64_t addr, const void *buf, size_t len);
    /* The calling process's address space (its page-table root, as the
     * architecture identifies one): whose channels it may use. False if it
     * cannot be told; the op then finds no channel. */
    bool (*address_space)(void *context, uint64_t *space);
    void *context;
} gp_guest_memory;

typedef struct gp_hypercall {
    uint64_t op, channel, arg1, arg2; /* zero-extended register values */
} gp_hypercall;

typedef struct gp_hypercall_limits {
    size_t max_message; /* guest->host WRITE; larger is -GP_ERR_TOO_LARGE */
} gp_hypercall_limits;

/*
 * Runs one hypercall and returns the value for the result register, already
 * truncated to REGISTER_BYTES (4 or 8); errors are negative at that width.
 */
uint64_t gp_hypercall_dispatch(gp_channel_table *table, const gp_hypercall_limits *limits,
                               const gp_hypercall *call, const gp_guest_memory *memory,
                               unsigned register_bytes);

#endif
