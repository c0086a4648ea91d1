/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Page tables of the hermetic programs (see x86.h for the map). The
 * identity map is user accessible, writable and dirty, the way a kernel
 * maps a process's own memory, so the host lets hypercalls use it; the
 * three slots hold one page of each protection the host must refuse.
 */
#include <stddef.h>
#include <stdint.h>

#include "x86.h"
#include "paging.h"

#define PAGE 4096u
#define SLOTS 3
/* Page-protection slots, in the order of their frames. */
static const uint32_t slot_address[SLOTS] = { HERMETIC_WINDOW, HERMETIC_SUPERVISOR_TABLE,
                                              HERMETIC_READ_ONLY_TABLE };
/* The directory entry above each slot's table. */
static const uint32_t slot_directory_flags[SLOTS] = {
    HERMETIC_PTE_TABLE,
    HERMETIC_PTE_TABLE & ~HERMETIC_PTE_USER,
    HERMETIC_PTE_TABLE & ~HERMETIC_PTE_WRITE,
};
#define SLOT_PAGES 16u /* pages mapped in each slot: 64 KiB of frames */

static uint8_t slot_tables[SLOTS][PAGE] __attribute__((aligned(PAGE)));

#define USER_RW (HERMETIC_PTE_PRESENT | HERMETIC_PTE_WRITE | HERMETIC_PTE_USER | \
                 HERMETIC_PTE_ACCESSED | HERMETIC_PTE_DIRTY)

static uint32_t window_page_flags(unsigned page)
{
    switch (page) {
    case HERMETIC_PAGE_USER_RW:
    case HERMETIC_PAGE_RW_BEFORE_RO:
        return USER_RW;
    case HERMETIC_PAGE_USER_RO:
    case HERMETIC_PAGE_RO_AFTER_RW:
        return USER_RW & ~HERMETIC_PTE_WRITE;
    case HERMETIC_PAGE_SUPERVISOR:
        return USER_RW & ~HERMETIC_PTE_USER;
    case HERMETIC_PAGE_CLEAN:
        return USER_RW & ~HERMETIC_PTE_DIRTY;
    default:
        return 0; /* HERMETIC_PAGE_ABSENT and the rest of the window */
    }
}

/* Little-endian entry INDEX of TABLE, ENTRY_BYTES wide. */
static void put_entry(void *table, unsigned index, uint64_t value, unsigned entry_bytes)
{
    volatile uint8_t *at = (uint8_t *)table + index * entry_bytes;
    for (unsigned i = 0; i < entry_bytes; i++) {
        at[i] = (uint8_t)(value >> (8 * i));
    }
}

/* Fills the slots' last-level tables with ENTRY_BYTES-wide entries. */
static void build_slots(unsigned entry_bytes)
{
    for (unsigned slot = 0; slot < SLOTS; slot++) {
        for (unsigned i = 0; i < PAGE / entry_bytes; i++) {
            uint64_t frame = HERMETIC_FRAMES + slot * HERMETIC_SLOT_FRAMES + i * PAGE;
            uint32_t flags = i >= SLOT_PAGES ? 0 : slot == 0 ? window_page_flags(i) : USER_RW;
            put_entry(slot_tables[slot], i, flags ? frame | flags : 0, entry_bytes);
        }
    }
}

/* Points the directory entries of the slots (DIRECTORY maps 2^SHIFT bytes
 * per entry from address 0) at their tables. */
static void attach_slots(void *directory, unsigned shift, unsigned entry_bytes)
{
    for (unsigned slot = 0; slot < SLOTS; slot++) {
        put_entry(directory, slot_address[slot] >> shift,
                  (uint32_t)(uintptr_t)slot_tables[slot] | slot_directory_flags[slot],
                  entry_bytes);
    }
}

#if defined(__i386__)
/* Directory entries from 0 up to 1 GiB, one large page each, hole left out
 * (the x86_64 boot stub makes its own). */
static void identity_map(void *directory, unsigned shift, unsigned entry_bytes)
{
    for (uint32_t i = 0; i < (uint32_t)HERMETIC_MAPPED_END >> shift; i++) {
        put_entry(directory, i, (uint64_t)i << shift | HERMETIC_PTE_ALL, entry_bytes);
    }
    put_entry(directory, HERMETIC_HOLE_BASE >> shift, 0, entry_bytes);
}

void hermetic_load_paging(uint32_t cr3, uint32_t cr4_mode); /* i386_boot.S */
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)

static uint32_t directory_32bit[1024] __attribute__((aligned(PAGE)));
static uint64_t pae_pdpt[4] __attribute__((aligned(32)));
static uint64_t pae_directory_low[512] __attribute__((aligned(PAGE)));   /* 0 .. 1 GiB */
static uint64_t pae_directory_alias[512] __attribute__((aligned(PAGE))); /* 2 .. 3 GiB */

const char *hermetic_paging_setup(hermetic_paging mode)
{
    if (mode == HERMETIC_PAGING_PAE) {
        build_slots(8);
        identity_map(pae_directory_low, 21, 8);
        attach_slots(pae_directory_low, 21, 8);
        put_entry(pae_directory_alias, 0, HERMETIC_PTE_ALL, 8); /* 2 MiB onto 0 */
        /* PDPTEs have a present bit and no U/S or R/W (reserved there). */
        put_entry(pae_pdpt, 0, (uint32_t)(uintptr_t)pae_directory_low | HERMETIC_PTE_PRESENT, 8);
        put_entry(pae_pdpt, HERMETIC_ALIAS >> 30,
                  (uint32_t)(uintptr_t)pae_directory_alias | HERMETIC_PTE_PRESENT, 8);
        hermetic_load_paging((uint32_t)(uintptr_t)pae_pdpt, CR4_PAE);
        return "pae";
    }
    build_slots(4);
    identity_map(directory_32bit, 22, 4);
    attach_slots(directory_32bit, 22, 4);
    put_entry(directory_32bit, HERMETIC_ALIAS >> 22, HERMETIC_PTE_ALL, 4); /* 4 MiB onto 0 */
    hermetic_load_paging((uint32_t)(uintptr_t)directory_32bit, CR4_PSE);
    return "32bit";
}

#else
extern uint64_t hermetic_pml5[512], hermetic_pml4[512], hermetic_pdpt[512], hermetic_pd[512];

const char *hermetic_paging_setup(hermetic_paging mode)
{
    (void)mode;
    build_slots(8);
    attach_slots(hermetic_pd, 21, 8);
    /* 1 GiB onto 0 (the CPU model needs pdpe1gb for the guest's own use;
     * only the host walks it here). */
    put_entry(hermetic_pdpt, HERMETIC_ALIAS >> 30, HERMETIC_PTE_ALL, 8);
#if defined(HERMETIC_LA57)
    /* 5 levels reach above 2^48: PML5[1] onto the same PML4, so address
     * 2^48 + X is X again. */
    put_entry(hermetic_pml5, 1, (uint64_t)(uintptr_t)hermetic_pml4 | HERMETIC_PTE_TABLE, 8);
#endif
    /* New tables: reloading CR3 drops what the TLB held. */
    uint64_t cr3;
    __asm__ volatile("mov %%cr3, %0\n\tmov %0, %%cr3" : "=r"(cr3) : : "memory");
#if defined(HERMETIC_LA57)
    return "5level";
#else
    return "4level";
#endif
}
#endif
