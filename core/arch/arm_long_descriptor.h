/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The walk of a long-descriptor translation table with the 4 KiB granule,
 * for a user-mode (EL0, PL0) access: the one table format that aarch64's
 * stage 1 (VMSAv8-64) and arm with LPAE (VMSAv7 long descriptors, TTBCR.EAE
 * = 1) share, bit for bit. Each architecture's file reads its own control
 * registers (aarch64_paging.c, arm_paging.c), decides which addresses
 * TTBR0 translates and hands the walk the regime it selected.
 */
#ifndef GP_CORE_ARCH_ARM_LONG_DESCRIPTOR_H
#define GP_CORE_ARCH_ARM_LONG_DESCRIPTOR_H

#include "arch.h"

typedef struct gp_long_descriptor_regime {
    uint64_t root;        /* physical address of the start level's table */
    unsigned start_level; /* 0 to 3; level 3 holds the 4 KiB pages */
    unsigned input_bits;  /* the virtual addresses translated are below 2^input_bits */
    unsigned output_bits; /* physical addresses are below 2^output_bits (40 on arm) */
    bool big_endian;      /* SCTLR.EE: the MMU reads descriptors big-endian */
    /* AArch32 (arm): an instruction fetch also needs read permission. An
     * AArch64 EL0 fetch needs only UXN clear (execute-only memory). */
    bool fetch_needs_read;
    bool writable_never_executes; /* SCTLR.WXN */
} gp_long_descriptor_regime;

/* The start level whose table translates INPUT_BITS (25 to 48) bits. */
unsigned gp_long_descriptor_start_level(unsigned input_bits);

/* The start level's table as TTBR0 names it: BADDR, down to the table's
 * own alignment (it holds 8-byte descriptors for the bits it resolves). */
uint64_t gp_long_descriptor_root(uint64_t ttbr_address, unsigned input_bits);

/* gp_user_paging.translate_user's contract, for a range the caller has
 * found TTBR0 translates. */
bool gp_long_descriptor_translate(const gp_long_descriptor_regime *regime,
                                  const gp_physical_memory *memory, uint64_t vaddr,
                                  uint64_t length, gp_access access,
                                  gp_physical_extent_fn extent, void *context);

#endif
