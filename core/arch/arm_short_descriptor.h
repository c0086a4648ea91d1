/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The walk of an ARMv7 short-descriptor translation table (TTBCR.EAE = 0:
 * a kernel built without LPAE) for a user-mode (PL0) access. arm_paging.c
 * reads the control registers, decides which addresses TTBR0 translates
 * and hands the walk the regime it selected.
 */
#ifndef GP_CORE_ARCH_ARM_SHORT_DESCRIPTOR_H
#define GP_CORE_ARCH_ARM_SHORT_DESCRIPTOR_H

#include "arch.h"

typedef struct gp_short_descriptor_regime {
    uint32_t root; /* the first-level table, 16 KiB >> N aligned */
    unsigned n;    /* TTBCR.N: TTBR0 translates the addresses below 2^(32-N) */
    uint32_t dacr; /* the access each of the 16 domains gets */
    bool access_flag;             /* SCTLR.AFE: AP[0] is the Access flag */
    bool big_endian;              /* SCTLR.EE */
    bool writable_never_executes; /* SCTLR.WXN */
} gp_short_descriptor_regime;

/* gp_user_paging.translate_user's contract, for a range the caller has
 * found TTBR0 translates. */
bool gp_short_descriptor_translate(const gp_short_descriptor_regime *regime,
                                   const gp_physical_memory *memory, uint64_t vaddr,
                                   uint64_t length, gp_access access,
                                   gp_physical_extent_fn extent, void *context);

#endif
