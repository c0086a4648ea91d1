/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The address spaces that own one channel: the process the host gave it to
 * (by token, or the one that made it), and its children that claimed it
 * again after fork. An address space is the guest's page-table root for
 * the calling process (core/arch: cr3 without its PCID and flag bits on
 * x86), the only identity of a process a hypercall carries.
 *
 * The set is bounded: when it is full, the owner least recently seen gives
 * way to a new claim. Only token holders can claim, so what is evicted is a
 * process of the same holder; the guest library claims again by itself
 * when an op answers -1 (a child that has been idle longest, usually one
 * that is gone). Not thread-safe: the channel table's lock covers it.
 */
#ifndef GP_CORE_CHANNEL_OWNERS_H
#define GP_CORE_CHANNEL_OWNERS_H

#include <stdbool.h>
#include <stdint.h>

#define GP_CHANNEL_MAX_OWNERS 8u

typedef struct gp_channel_owners {
    unsigned count;
    uint64_t clock; /* ticks at every use, for least recently used */
    struct {
        uint64_t address_space;
        uint64_t last_use;
    } entries[GP_CHANNEL_MAX_OWNERS];
} gp_channel_owners;

/* Does ADDRESS_SPACE own it? Counts as a use. */
bool gp_channel_owners_check(gp_channel_owners *owners, uint64_t address_space);

/* Makes ADDRESS_SPACE an owner, evicting the least recently used one if
 * the set is full. */
void gp_channel_owners_add(gp_channel_owners *owners, uint64_t address_space);

/* ADDRESS_SPACE owns it no more; false if it did not. */
bool gp_channel_owners_remove(gp_channel_owners *owners, uint64_t address_space);

void gp_channel_owners_clear(gp_channel_owners *owners);

#endif
