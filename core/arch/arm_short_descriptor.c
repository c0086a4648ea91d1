/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Short-descriptor table walk for a PL0 access, after the ARMv7-A ARM (DDI
 * 0406C) B3.5 "Short-descriptor translation table format" and B3.7
 * "Memory access control". Two levels:
 *
 *   first level, 4096 >> N entries of 1 MiB, bits[1:0]:
 *     0b00        fault
 *     0b01        a second-level table (base [31:10]), domain [8:5]
 *     0b1x        a section (bit 18 clear): 1 MiB at [31:20], domain
 *                 [8:5], XN 4, AP[1:0] [11:10], AP[2] 15 (bit 0 is PXN);
 *                 or a supersection (bit 18 set): 16 MiB at [31:24] with
 *                 physical bits [35:32] in [23:20] and [39:36] in [8:5],
 *                 domain 0, repeated in 16 consecutive entries
 *   second level, 256 entries of 4 KiB, bits[1:0]:
 *     0b00        fault
 *     0b01        a large page: 64 KiB at [31:16], XN 15, repeated 16 times
 *     0b1x        a small page: 4 KiB at [31:12], XN 0
 *                 both with AP[1:0] [5:4], AP[2] 9
 *
 * The domain's two bits in DACR decide first (B3.7.3 "Domains,
 * Short-descriptor format only"): no access (0b00) and the reserved 0b10
 * are domain faults; a manager domain (0b11) checks no permission bits at
 * all, XN included, so a user-mode access gets whatever is mapped there,
 * the kernel's memory too: that is what the process itself could touch. A
 * client domain (0b01) checks AP (B3.7.1 "Access permissions"):
 *
 *   SCTLR.AFE = 0   AP[2:0]: PL0 reads with 0b010, 0b011, 0b110, 0b111,
 *                   writes with 0b011 only
 *   SCTLR.AFE = 1   AP[0] is the Access flag (0: an Access flag fault);
 *                   AP[1] = PL0 access, AP[2] = read-only
 *
 * and for an instruction fetch, XN clear and PL0 read permission (B3.7.2
 * "Execute-never restrictions on instruction fetching"), and with
 * SCTLR.WXN no PL0 write permission.
 *
 * A supersection or large page is repeated in 16 consecutive entries; each
 * entry answers for the megabyte or 4 KiB its own index covers, as it does
 * for the MMU (and QEMU) translating that address, so entries that
 * disagree (the kernel's mistake) give what the process itself would get.
 *
 * Linux (arch/arm/mm/proc-v7-2level.S) builds the hardware entries with
 * AFE = 0 and makes a page that is not young a fault entry and one that is
 * clean read-only (AP[2] set) until the fault that marks it dirty, so
 * refusing writes the AP bits refuse is the x86 walk's dirty rule
 * (x86_paging.c) here too.
 */
#include "arm_short_descriptor.h"

#include "page_table.h"

#define TYPE_MASK 3u
#define FIRST_PAGE_TABLE 1u
#define SECTION 2u /* bit 1: a section or supersection; bit 0 is PXN */
#define SUPERSECTION (UINT32_C(1) << 18)
#define SECTION_XN (UINT32_C(1) << 4)
#define PAGE_TABLE_ADDRESS UINT32_C(0xfffffc00)
#define LARGE_PAGE 1u
#define LARGE_PAGE_XN (UINT32_C(1) << 15)
#define SMALL_PAGE_XN UINT32_C(1)

#define DOMAIN_CLIENT 1u
#define DOMAIN_MANAGER 3u

#define SECTION_SHIFT 20
#define PAGE_SHIFT 12
#define SECOND_LEVEL_ENTRIES 256u
#define DESCRIPTOR_BYTES 4u

typedef struct walk {
    const gp_short_descriptor_regime *regime;
    const gp_physical_memory *memory;
    gp_access access;
    gp_physical_extent_fn extent;
    void *context;
} walk;

static unsigned domain_of(uint32_t descriptor)
{
    return (descriptor >> 5) & 0xf;
}

static unsigned domain_access(const walk *w, unsigned domain)
{
    return (w->regime->dacr >> (2 * domain)) & 3;
}

/* AP[2:0] of a section (AP[2] at bit 15, AP[1:0] at 11:10). */
static unsigned section_ap(uint32_t descriptor)
{
    return ((descriptor >> 10) & 3) | ((descriptor >> 13) & 4);
}

/* AP[2:0] of a small or large page (AP[2] at bit 9, AP[1:0] at 5:4). */
static unsigned page_ap(uint32_t descriptor)
{
    return ((descriptor >> 4) & 3) | ((descriptor >> 7) & 4);
}

/* Does a page or section with AP and XN in a domain of DOMAIN_ACCESS let
 * this walk's PL0 access through? */
static bool allows(const walk *w, unsigned access_of_domain, unsigned ap, bool xn)
{
    if (access_of_domain == DOMAIN_MANAGER) {
        return true;
    }
    if (access_of_domain != DOMAIN_CLIENT) {
        return false;
    }
    bool reads, writes;
    if (w->regime->access_flag) {
        if (!(ap & 1)) {
            return false; /* Access flag fault */
        }
        reads = (ap & 2) != 0;
        writes = reads && !(ap & 4);
    } else {
        reads = ap == 2 || ap == 3 || ap == 6 || ap == 7;
        writes = ap == 3;
    }
    switch (w->access) {
    case GP_ACCESS_READ:
        return reads;
    case GP_ACCESS_WRITE:
        return writes;
    case GP_ACCESS_EXECUTE:
        return !xn && reads && !(w->regime->writable_never_executes && writes);
    }
    return false;
}

static bool read_descriptors(const walk *w, uint64_t table, uint64_t index, uint64_t count,
                             uint8_t *bytes)
{
    return w->memory->read(w->memory->context, table + index * DESCRIPTOR_BYTES, bytes,
                           count * DESCRIPTOR_BYTES);
}

/* Translates the pages of the second-level table at TABLE, in a domain of
 * DOMAIN_ACCESS, that [*AT, *AT + *LEFT) needs, up to the end of the
 * megabyte *AT is in. */
static bool walk_second_level(const walk *w, uint64_t table, unsigned access_of_domain,
                              uint64_t *at, uint64_t *left)
{
    uint8_t bytes[SECOND_LEVEL_ENTRIES * DESCRIPTOR_BYTES];
    uint64_t megabyte = *at >> SECTION_SHIFT;
    uint64_t first = (*at >> PAGE_SHIFT) & (SECOND_LEVEL_ENTRIES - 1);
    uint64_t page = UINT64_C(1) << PAGE_SHIFT;
    uint64_t in_first_page = page - (*at & (page - 1));
    uint64_t pages = 1 + (*left > in_first_page ? (*left - in_first_page + page - 1) / page : 0);
    uint64_t count = SECOND_LEVEL_ENTRIES - first < pages ? SECOND_LEVEL_ENTRIES - first : pages;

    if (!read_descriptors(w, table, first, count, bytes)) {
        return false;
    }
    while (*left > 0 && (*at >> SECTION_SHIFT) == megabyte) {
        uint64_t index = ((*at >> PAGE_SHIFT) & (SECOND_LEVEL_ENTRIES - 1)) - first;
        if (index >= count) {
            break; /* cannot happen: COUNT covers the range to the megabyte's end */
        }
        uint32_t descriptor = (uint32_t)gp_page_table_entry(bytes, index, DESCRIPTOR_BYTES,
                                                            w->regime->big_endian);
        uint32_t type = descriptor & TYPE_MASK;
        if (type == 0) {
            return false;
        }
        bool large = type == LARGE_PAGE;
        /* The 4 KiB of a large page this entry's own index covers. */
        uint64_t base = large ? (descriptor & UINT32_C(0xffff0000)) | (*at & UINT64_C(0xf000))
                              : descriptor & UINT32_C(0xfffff000);
        bool xn = (descriptor & (large ? LARGE_PAGE_XN : SMALL_PAGE_XN)) != 0;
        if (!allows(w, access_of_domain, page_ap(descriptor), xn) ||
            !gp_page_table_emit(w->extent, w->context, base, page, at, left)) {
            return false;
        }
    }
    return true;
}

/* Translates what of [*AT, *AT + *LEFT) the first-level entry of *AT
 * covers. */
static bool walk_some(const walk *w, uint64_t *at, uint64_t *left)
{
    uint8_t bytes[DESCRIPTOR_BYTES];
    if (!read_descriptors(w, w->regime->root, *at >> SECTION_SHIFT, 1, bytes)) {
        return false;
    }
    uint32_t descriptor =
        (uint32_t)gp_page_table_entry(bytes, 0, DESCRIPTOR_BYTES, w->regime->big_endian);
    uint32_t type = descriptor & TYPE_MASK;
    if (type == 0) {
        return false;
    }
    if (type == FIRST_PAGE_TABLE) {
        unsigned access_of_domain = domain_access(w, domain_of(descriptor));
        if (access_of_domain != DOMAIN_CLIENT && access_of_domain != DOMAIN_MANAGER) {
            return false; /* a domain fault, before the second level is read */
        }
        return walk_second_level(w, descriptor & PAGE_TABLE_ADDRESS, access_of_domain, at,
                                 left);
    }
    uint64_t base;
    unsigned domain;
    if (descriptor & SUPERSECTION) {
        /* The megabyte of the supersection this entry's own index covers. */
        base = (descriptor & UINT32_C(0xff000000)) | (uint64_t)((descriptor >> 20) & 0xf) << 32 |
               (uint64_t)((descriptor >> 5) & 0xf) << 36 | (*at & UINT64_C(0x00f00000));
        domain = 0;
    } else {
        base = descriptor & UINT32_C(0xfff00000);
        domain = domain_of(descriptor);
    }
    return allows(w, domain_access(w, domain), section_ap(descriptor),
                  (descriptor & SECTION_XN) != 0) &&
           gp_page_table_emit(w->extent, w->context, base, UINT64_C(1) << SECTION_SHIFT, at,
                              left);
}

bool gp_short_descriptor_translate(const gp_short_descriptor_regime *regime,
                                   const gp_physical_memory *memory, uint64_t vaddr,
                                   uint64_t length, gp_access access,
                                   gp_physical_extent_fn extent, void *context)
{
    uint64_t last = vaddr + (length - 1);
    if (length == 0 || last < vaddr || regime->n > 7 || (last >> (32 - regime->n)) != 0) {
        return false;
    }
    walk w = { .regime = regime, .memory = memory, .access = access, .extent = extent,
               .context = context };
    uint64_t at = vaddr, left = length;
    while (left > 0) {
        if (!walk_some(&w, &at, &left)) {
            return false;
        }
    }
    return true;
}
