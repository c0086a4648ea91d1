/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the arm page walks (arm_long_descriptor.c, arm_short_descriptor.c)
 * share: table entries decoded in the byte order the MMU reads them in,
 * and a virtual range reported page by page as it is translated.
 */
#ifndef GP_CORE_ARCH_PAGE_TABLE_H
#define GP_CORE_ARCH_PAGE_TABLE_H

#include "arch.h"

/* Entry INDEX of BYTES, entries of ENTRY_BYTES (4 or 8) each; SCTLR.EE
 * makes arm's table walks big-endian. */
static inline uint64_t gp_page_table_entry(const uint8_t *bytes, uint64_t index,
                                           unsigned entry_bytes, bool big_endian)
{
    const uint8_t *at = bytes + index * entry_bytes;
    uint64_t value = 0;
    for (unsigned i = 0; i < entry_bytes; i++) {
        unsigned byte = big_endian ? entry_bytes - 1 - i : i;
        value |= (uint64_t)at[byte] << (8 * i);
    }
    return value;
}

/* Reports the part of [*AT, *AT + *LEFT) that lies in the page of
 * PAGE_BYTES (a power of two) at physical PAGE_BASE, and moves *AT and
 * *LEFT past it. */
static inline bool gp_page_table_emit(gp_physical_extent_fn extent, void *context,
                                      uint64_t page_base, uint64_t page_bytes, uint64_t *at,
                                      uint64_t *left)
{
    uint64_t offset = *at & (page_bytes - 1);
    uint64_t count = page_bytes - offset < *left ? page_bytes - offset : *left;
    if (!extent(context, page_base + offset, count)) {
        return false;
    }
    *at += count;
    *left -= count;
    return true;
}

#endif
