/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hypercall dispatch: ops 1-7 of include/guestplug/abi.h against the channel
 * table. Independent of QEMU: guest memory is reached through the callbacks
 * of gp_guest_memory, so the unit tests drive it with a fake vCPU. Every
 * value from the guest is untrusted (SPEC §9).
 */
#ifndef GP_CORE_HYPERCALL_H
#define GP_CORE_HYPERCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel_table.h"

typedef struct gp_guest_memory {
    /* Copy LEN bytes at guest virtual ADDR; false if any page is missing. */
    bool (*read)(void *context, uint64_t addr, void *buf, size_t len);
    /* Write LEN bytes; only called after mapped() said yes for the range. */
    bool (*write)(void *context, uint64_t addr, const void *buf, size_t len);
    /* Is every page of [ADDR, ADDR+LEN) mapped and present? */
    bool (*mapped)(void *context, uint64_t addr, size_t len);
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
