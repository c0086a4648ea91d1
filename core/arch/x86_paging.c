/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 page walk for hypercalls: the access a user-mode instruction of the
 * calling process would get, computed from cr0, cr3, cr4 and efer and
 * physical reads of the page tables. Every x86 paging mode:
 *
 *   paging off (CR0.PG = 0)    linear = physical, no protection to honour
 *   32-bit, 2 levels           4 KiB pages; 4 MiB pages with CR4.PSE
 *                              (PSE-36 address bits 39:32 in bits 20:13)
 *   PAE, 3 levels              4 KiB and 2 MiB pages; the 4 PDPTEs have no
 *                              U/S or R/W bits (reserved there)
 *   long mode, 4 or 5 levels   4 KiB, 2 MiB and 1 GiB pages; 5 levels with
 *   (EFER.LMA; CR4.LA57)       CR4.LA57; non-canonical addresses refused
 *
 * What a user-mode access needs, as the SDM's "access rights" rules say:
 * the U/S bit at every level, and for a write the R/W bit at every level.
 * CR0.WP does not enter into it: it only decides whether *supervisor*
 * writes may go through read-only pages. SMAP and SMEP only restrict
 * supervisor accesses to user pages, so they change nothing either, and NX
 * concerns instruction fetches, not data. Protection keys (CR4.PKE) are
 * ignored on purpose: PKRU is set by the process itself with the
 * unprivileged WRPKRU, so a key never keeps anything from the process it
 * belongs to.
 *
 * One rule is stricter than the CPU: a write needs the leaf entry's dirty
 * bit already set. The CPU would set it atomically as it writes; a plugin
 * cannot update a guest entry atomically against the guest kernel, and
 * writing a clean page would hide the change from the kernel, which may
 * then drop the page as clean (reclaim of MADV_FREE or swap-cached pages).
 * The guest library writes every page of a READ buffer first, which sets
 * it. Copy-on-write pages not yet broken, the shared zero page, read-only
 * file mappings and the program's own text are read-only entries, so they
 * are refused for writes whatever their dirty bit.
 *
 * Reserved-bit combinations the kernel never makes (PS in a PML4E, PML5E or
 * legacy PDPTE) are refused; physical address bits beyond the machine's
 * memory simply fail the physical read or write later.
 *
 * Consecutive pages of a range usually share their last page table, so the
 * walk reads the upper levels once per last-level table and then all the
 * entries it needs from that table in one physical read.
 */
#include "x86_paging.h"

#define CR0_PG (UINT64_C(1) << 31)
#define CR4_PSE (UINT64_C(1) << 4)
#define CR4_PAE (UINT64_C(1) << 5)
#define CR4_LA57 (UINT64_C(1) << 12)
#define EFER_LMA (UINT64_C(1) << 10)
#define EFER_NXE (UINT64_C(1) << 11)

#define ENTRY_PRESENT UINT64_C(0x01)
#define ENTRY_WRITABLE UINT64_C(0x02)
#define ENTRY_USER UINT64_C(0x04)
#define ENTRY_DIRTY UINT64_C(0x40)
#define ENTRY_LARGE UINT64_C(0x80) /* PS: the entry maps a page, not a table */
#define ENTRY_NO_EXECUTE (UINT64_C(1) << 63) /* 64-bit entries, with EFER.NXE */

#define PAGE_SHIFT 12
#define PAGE_SIZE (UINT64_C(1) << PAGE_SHIFT)
/* Address bits 51:12 of a 64-bit entry (bits 62:52 are software and keys,
 * bit 63 is NX). */
#define ADDRESS_64 UINT64_C(0x000ffffffffff000)
#define ADDRESS_32 UINT64_C(0xfffff000)
/* Legacy PAE: CR3 holds the 32-byte aligned address of the 4 PDPTEs. */
#define PAE_CR3_ADDRESS UINT64_C(0xffffffe0)
#define MAX_ENTRIES 1024u /* per table: 1024 of 4 bytes or 512 of 8 */

typedef struct paging_mode {
    unsigned levels;      /* 2 (32-bit), 3 (PAE), 4 or 5 (long mode) */
    unsigned entry_bytes; /* 4 or 8 */
    uint64_t root;        /* physical address of the top table */
    bool long_mode;
    bool large_4m;        /* 32-bit paging with CR4.PSE */
} paging_mode;

typedef struct walk {
    paging_mode mode;
    const gp_physical_memory *memory;
    bool write;
    bool execute_checked; /* an instruction fetch where NX exists */
    gp_physical_extent_fn extent;
    void *context;
} walk;

static unsigned level_shift(const paging_mode *mode, unsigned level)
{
    unsigned bits = mode->entry_bytes == 4 ? 10 : 9;
    return PAGE_SHIFT + bits * (level - 1);
}

static uint64_t level_entries(const paging_mode *mode, unsigned level)
{
    if (mode->entry_bytes == 4) {
        return 1024;
    }
    /* Legacy PAE's top level: four PDPTEs, one per GiB of the 4 GiB space. */
    return level == 3 && !mode->long_mode ? 4 : 512;
}

static uint64_t entry_at(const paging_mode *mode, const uint8_t *bytes, uint64_t index)
{
    const uint8_t *at = bytes + index * mode->entry_bytes;
    uint64_t value = 0;
    for (unsigned i = 0; i < mode->entry_bytes; i++) {
        value |= (uint64_t)at[i] << (8 * i); /* x86 entries are little-endian */
    }
    return value;
}

/* Reads COUNT entries from INDEX on of the table at TABLE into BYTES. */
static bool read_entries(const walk *w, uint64_t table, uint64_t index, uint64_t count,
                         uint8_t *bytes)
{
    unsigned size = w->mode.entry_bytes;
    return w->memory->read(w->memory->context, table + index * size, bytes, count * size);
}

/* Does ENTRY let a user-mode access of this walk through? */
static bool entry_allows(const walk *w, uint64_t entry)
{
    return (entry & ENTRY_PRESENT) && (entry & ENTRY_USER) &&
           (!w->write || (entry & ENTRY_WRITABLE)) &&
           (!w->execute_checked || !(entry & ENTRY_NO_EXECUTE));
}

/* For a page (not a table): a write also needs the dirty bit (see top). */
static bool page_allows(const walk *w, uint64_t entry)
{
    return entry_allows(w, entry) && (!w->write || (entry & ENTRY_DIRTY));
}

/* Reports the part of the range in the page at PAGE_BASE (physical) of
 * PAGE_BYTES, starting at virtual *AT, and moves *AT and *LEFT on. */
static bool emit(const walk *w, uint64_t page_base, uint64_t page_bytes, uint64_t *at,
                 uint64_t *left)
{
    uint64_t offset = *at & (page_bytes - 1);
    uint64_t count = page_bytes - offset < *left ? page_bytes - offset : *left;
    if (!w->extent(w->context, page_base + offset, count)) {
        return false;
    }
    *at += count;
    *left -= count;
    return true;
}

/* The physical base of a large page mapped by ENTRY at LEVEL. */
static uint64_t large_page_base(const paging_mode *mode, unsigned level, uint64_t entry)
{
    if (mode->entry_bytes == 4) {
        /* 4 MiB: bits 31:22, and PSE-36's bits 39:32 from entry bits 20:13. */
        return (entry & UINT64_C(0xffc00000)) | ((entry >> 13) & 0xff) << 32;
    }
    uint64_t size = UINT64_C(1) << level_shift(mode, level);
    return entry & ADDRESS_64 & ~(size - 1); /* bit 12 is PAT in a large entry */
}

/* Does ENTRY at LEVEL (above the last) map a page? -1: a reserved PS bit. */
static int maps_large_page(const paging_mode *mode, unsigned level, uint64_t entry)
{
    if (!(entry & ENTRY_LARGE)) {
        return 0;
    }
    if (mode->entry_bytes == 4) {
        return mode->large_4m ? 1 : 0; /* without CR4.PSE the bit is ignored */
    }
    if (level == 2 || (level == 3 && mode->long_mode)) {
        return 1; /* 2 MiB, 1 GiB */
    }
    return -1; /* PML4E, PML5E, legacy PDPTE: reserved */
}

/* Translates the pages of [*AT, *AT + *LEFT) that share one last-level
 * table with *AT (or the one large page *AT lies in). */
static bool walk_some(const walk *w, uint64_t *at, uint64_t *left)
{
    const paging_mode *mode = &w->mode;
    uint8_t bytes[MAX_ENTRIES * 4];
    uint64_t table = mode->root;

    for (unsigned level = mode->levels; level > 1; level--) {
        uint64_t index = (*at >> level_shift(mode, level)) & (level_entries(mode, level) - 1);
        if (!read_entries(w, table, index, 1, bytes)) {
            return false;
        }
        uint64_t entry = entry_at(mode, bytes, 0);
        bool legacy_pdpte = level == 3 && !mode->long_mode;
        /* A legacy PDPTE has only a present bit; the rest is reserved. */
        if (legacy_pdpte ? !(entry & ENTRY_PRESENT) : !entry_allows(w, entry)) {
            return false;
        }
        int large = maps_large_page(mode, level, entry);
        if (large < 0) {
            return false;
        }
        if (large) {
            return page_allows(w, entry) &&
                   emit(w, large_page_base(mode, level, entry),
                        UINT64_C(1) << level_shift(mode, level), at, left);
        }
        table = entry & (mode->entry_bytes == 4 ? ADDRESS_32 : ADDRESS_64);
    }

    /* The last level: every entry the range needs from this table at once. */
    uint64_t first = (*at >> PAGE_SHIFT) & (level_entries(mode, 1) - 1);
    uint64_t in_first_page = PAGE_SIZE - (*at & (PAGE_SIZE - 1));
    uint64_t pages = 1 + (*left > in_first_page ? (*left - in_first_page + PAGE_SIZE - 1) /
                                                      PAGE_SIZE
                                                : 0);
    uint64_t count = level_entries(mode, 1) - first;
    count = pages < count ? pages : count;
    if (!read_entries(w, table, first, count, bytes)) {
        return false;
    }
    for (uint64_t i = 0; i < count; i++) {
        uint64_t entry = entry_at(mode, bytes, i);
        uint64_t base = entry & (mode->entry_bytes == 4 ? ADDRESS_32 : ADDRESS_64);
        if (!page_allows(w, entry) || !emit(w, base, PAGE_SIZE, at, left)) {
            return false;
        }
    }
    return true;
}

static bool is_canonical(uint64_t vaddr, unsigned bits)
{
    return (uint64_t)((int64_t)(vaddr << (64 - bits)) >> (64 - bits)) == vaddr;
}

static bool x86_translate_user(const uint64_t *registers, const gp_physical_memory *memory,
                               uint64_t vaddr, uint64_t length, gp_access access,
                               gp_physical_extent_fn extent, void *context)
{
    uint64_t cr0 = registers[GP_X86_CR0], cr3 = registers[GP_X86_CR3];
    uint64_t cr4 = registers[GP_X86_CR4], efer = registers[GP_X86_EFER];
    uint64_t last = vaddr + (length - 1);

    if (length == 0 || last < vaddr) {
        return false;
    }
    walk w = { .memory = memory, .write = access == GP_ACCESS_WRITE, .extent = extent,
               .context = context };
    if (efer & EFER_LMA) {
        unsigned bits = cr4 & CR4_LA57 ? 57 : 48;
        /* Both ends canonical and in the same half: the range does not
         * cross the non-canonical hole. */
        if (!is_canonical(vaddr, bits) || !is_canonical(last, bits) ||
            (vaddr >> 63) != (last >> 63)) {
            return false;
        }
        w.mode = (paging_mode){ .levels = cr4 & CR4_LA57 ? 5 : 4, .entry_bytes = 8,
                                .root = cr3 & ADDRESS_64, .long_mode = true };
        w.execute_checked = access == GP_ACCESS_EXECUTE && (efer & EFER_NXE);
    } else {
        if (last > UINT32_MAX) {
            return false; /* linear addresses have 32 bits outside long mode */
        }
        if (!(cr0 & CR0_PG)) {
            return extent(context, vaddr, length); /* no paging, no protection */
        }
        if (cr4 & CR4_PAE) {
            w.mode = (paging_mode){ .levels = 3, .entry_bytes = 8,
                                    .root = cr3 & PAE_CR3_ADDRESS };
            w.execute_checked = access == GP_ACCESS_EXECUTE && (efer & EFER_NXE);
        } else {
            w.mode = (paging_mode){ .levels = 2, .entry_bytes = 4, .root = cr3 & ADDRESS_32,
                                    .large_4m = (cr4 & CR4_PSE) != 0 };
        }
    }
    uint64_t at = vaddr, left = length;
    while (left > 0) {
        if (!walk_some(&w, &at, &left)) {
            return false;
        }
    }
    return true;
}

/*
 * cr3 as the top table's address. In long mode bits 11:0 are the PCID with
 * CR4.PCIDE (Linux gives a process a different one per CPU and over time)
 * or the PWT/PCD flags, and bit 63 is the "no flush" flag of a write; in
 * legacy PAE the PDPT is only 32-byte aligned (Linux packs several into one
 * page), so bits 11:5 are the address. With paging off every process is
 * the one address space there is.
 */
static uint64_t x86_address_space(const uint64_t *registers)
{
    uint64_t cr0 = registers[GP_X86_CR0], cr3 = registers[GP_X86_CR3];
    uint64_t cr4 = registers[GP_X86_CR4], efer = registers[GP_X86_EFER];
    if (efer & EFER_LMA) {
        return cr3 & ADDRESS_64;
    }
    if (!(cr0 & CR0_PG)) {
        return 0;
    }
    return cr3 & (cr4 & CR4_PAE ? PAE_CR3_ADDRESS : ADDRESS_32);
}

const gp_user_paging gp_x86_user_paging = {
    .registers = { "cr0", "cr3", "cr4", "efer" },
    .translate_user = x86_translate_user,
    .address_space = x86_address_space,
};
