/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the x86 page walk (core/arch/x86_paging.c) against page tables
 * built in a fake physical memory, in every paging mode: 32-bit 2-level
 * (with and without PSE), PAE, 4-level and 5-level long mode, and paging
 * off. The walk must grant exactly what a user-mode access of the process
 * would get: present and U/S at every level; for writes R/W at every level
 * and the leaf's dirty bit (see x86_paging.c for why).
 *
 * Most tests run once per paging mode ("MODE(fn)"): the same virtual
 * layout is mapped with the mode's own entry formats.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glib.h>

#include "arch/x86_paging.h"
#include "fake_memory.h"

#define PAGE UINT64_C(0x1000)

#define P UINT64_C(0x01)
#define RW UINT64_C(0x02)
#define US UINT64_C(0x04)
#define ACCESSED UINT64_C(0x20)
#define DIRTY UINT64_C(0x40)
#define PS UINT64_C(0x80)
#define NX (UINT64_C(1) << 63)
/* What Linux puts in table entries and in a written user page. */
#define TABLE (P | RW | US | ACCESSED)
#define USER_RW (P | RW | US | ACCESSED | DIRTY)
#define USER_RO (P | US | ACCESSED)

#define CR0_PG (UINT64_C(1) << 31)
#define CR0_WP (UINT64_C(1) << 16)
#define CR4_PSE (UINT64_C(1) << 4)
#define CR4_PAE (UINT64_C(1) << 5)
#define CR4_LA57 (UINT64_C(1) << 12)
#define CR4_SMEP (UINT64_C(1) << 20)
#define CR4_SMAP (UINT64_C(1) << 21)
#define EFER_LME (UINT64_C(1) << 8)
#define EFER_LMA (UINT64_C(1) << 10)
#define EFER_NXE (UINT64_C(1) << 11)

typedef enum mode_kind { TWO_LEVEL, PAE, FOUR_LEVEL, FIVE_LEVEL } mode_kind;

typedef struct fixture {
    mode_kind kind;
    unsigned levels, entry_bytes;
    fake_memory mem;       /* the tables, and what the last walk read and reported */
    uint64_t root;         /* top table (PAE: the 4 PDPTEs) */
    uint64_t registers[GP_PAGING_REGISTERS];
} fixture;

static const mode_kind two_level = TWO_LEVEL, pae = PAE, four_level = FOUR_LEVEL,
                       five_level = FIVE_LEVEL;

/* ---- page tables in the fake physical memory --------------------------- */

static uint64_t new_table(fixture *f)
{
    return fake_memory_table(&f->mem, PAGE);
}

static uint64_t get_entry(const fixture *f, uint64_t table, uint64_t index)
{
    return fake_memory_get(&f->mem, table + index * f->entry_bytes, f->entry_bytes);
}

static void set_entry(fixture *f, uint64_t table, uint64_t index, uint64_t value)
{
    fake_memory_put(&f->mem, table + index * f->entry_bytes, f->entry_bytes, value);
}

static unsigned shift_of(const fixture *f, unsigned level)
{
    return 12 + (f->entry_bytes == 4 ? 10 : 9) * (level - 1);
}

static uint64_t index_of(const fixture *f, unsigned level, uint64_t vaddr)
{
    uint64_t entries = f->entry_bytes == 4 ? 1024 : (f->kind == PAE && level == 3) ? 4 : 512;
    return (vaddr >> shift_of(f, level)) & (entries - 1);
}

/* The table entry at LEVEL on VADDR's path, creating tables down to it
 * with TABLE_FLAGS. Returns the table holding it and sets *INDEX. */
static uint64_t entry_slot(fixture *f, uint64_t vaddr, unsigned level, uint64_t table_flags,
                           uint64_t *index)
{
    uint64_t table = f->root;
    for (unsigned l = f->levels; l > level; l--) {
        uint64_t i = index_of(f, l, vaddr);
        uint64_t entry = get_entry(f, table, i);
        if (!(entry & P)) {
            /* A legacy PDPTE takes only the present bit. */
            uint64_t flags = f->kind == PAE && l == 3 ? P : table_flags;
            entry = new_table(f) | flags;
            set_entry(f, table, i, entry);
        }
        table = entry & (f->entry_bytes == 4 ? UINT64_C(0xfffff000)
                                             : UINT64_C(0x000ffffffffff000));
    }
    *index = index_of(f, level, vaddr);
    return table;
}

/* Maps the page at VADDR of size 2^shift_of(LEVEL) to PADDR with FLAGS. */
static void map_at(fixture *f, unsigned level, uint64_t vaddr, uint64_t paddr, uint64_t flags)
{
    uint64_t index;
    uint64_t table = entry_slot(f, vaddr, level, TABLE, &index);
    set_entry(f, table, index, paddr | flags | (level > 1 ? PS : 0));
}

static void map4k(fixture *f, uint64_t vaddr, uint64_t paddr, uint64_t flags)
{
    map_at(f, 1, vaddr, paddr, flags);
}

/* Changes the flags of the entry at LEVEL on VADDR's path (bits 0-11 only). */
static void set_flags(fixture *f, unsigned level, uint64_t vaddr, uint64_t flags)
{
    uint64_t index;
    uint64_t table = entry_slot(f, vaddr, level, TABLE, &index);
    uint64_t entry = get_entry(f, table, index);
    set_entry(f, table, index, (entry & ~UINT64_C(0xfff)) | flags);
}

static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    f->kind = *state ? *(const mode_kind *)*state : FOUR_LEVEL;
    fake_memory_init(&f->mem);
    f->root = new_table(f);
    /* Noise in CR3's low bits (PCID, PWT/PCD) must not move the root. */
    switch (f->kind) {
    case TWO_LEVEL:
        f->levels = 2, f->entry_bytes = 4;
        f->registers[GP_X86_CR3] = f->root | 0x18;
        f->registers[GP_X86_CR4] = CR4_PSE;
        break;
    case PAE:
        f->levels = 3, f->entry_bytes = 8;
        f->root += 0x40; /* 32-byte aligned, not page aligned */
        f->registers[GP_X86_CR3] = f->root;
        f->registers[GP_X86_CR4] = CR4_PAE | CR4_PSE;
        f->registers[GP_X86_EFER] = EFER_NXE;
        break;
    case FOUR_LEVEL:
    case FIVE_LEVEL:
        f->levels = f->kind == FIVE_LEVEL ? 5 : 4, f->entry_bytes = 8;
        f->registers[GP_X86_CR3] = f->root | 0x123; /* a PCID */
        f->registers[GP_X86_CR4] = CR4_PAE | (f->kind == FIVE_LEVEL ? CR4_LA57 : 0);
        f->registers[GP_X86_EFER] = EFER_LME | EFER_LMA | EFER_NXE;
        break;
    }
    f->registers[GP_X86_CR0] = CR0_PG | CR0_WP | 1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    fake_memory_free(&f->mem);
    g_free(f);
    return 0;
}

/* ---- running the walk -------------------------------------------------- */

static bool walk(fixture *f, uint64_t vaddr, uint64_t length, gp_access access)
{
    return fake_memory_walk(&f->mem, &gp_x86_user_paging, f->registers, vaddr, length, access);
}

/* The physical address of byte OFFSET of the walked range. */
static uint64_t physical_of(const fixture *f, uint64_t offset)
{
    return fake_memory_physical_of(&f->mem, offset);
}

#define USER_VA UINT64_C(0x00400000) /* 4 MiB aligned: a PDE of its own in every mode */

/* ---- the basic rules, in every mode ------------------------------------ */

static void user_read_write_page_allows_both(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RW);

    assert_true(walk(f, USER_VA + 0x10, 0x20, false));
    assert_int_equal(f->mem.extents->len, 1);
    assert_int_equal(physical_of(f, 0), 0x7000010);
    assert_true(walk(f, USER_VA, PAGE, true));
    assert_int_equal(physical_of(f, PAGE - 1), 0x7000fff);
    /* The next page is not mapped. */
    assert_false(walk(f, USER_VA + PAGE - 1, 2, false));
    assert_false(walk(f, USER_VA + PAGE, 1, false));
}

static void read_only_page_allows_reads_only(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RO);

    assert_true(walk(f, USER_VA, PAGE, false));
    assert_false(walk(f, USER_VA, 1, true));
    assert_false(walk(f, USER_VA + PAGE - 1, 1, true));
    /* CR0.WP only concerns supervisor writes: a user write is refused either way. */
    f->registers[GP_X86_CR0] &= ~CR0_WP;
    assert_false(walk(f, USER_VA, 1, true));
}

static void supervisor_page_allows_nothing(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, P | RW | ACCESSED | DIRTY);

    assert_false(walk(f, USER_VA, 1, false));
    assert_false(walk(f, USER_VA, 1, true));
    /* SMAP/SMEP off or on: they restrict the supervisor, not us. */
    f->registers[GP_X86_CR4] |= CR4_SMAP | CR4_SMEP;
    assert_false(walk(f, USER_VA, 1, false));
}

static void absent_page_allows_nothing(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RW & ~P);

    assert_false(walk(f, USER_VA, 1, false));
    assert_false(walk(f, USER_VA, 1, true));
    /* Nothing mapped at all in that table's neighbour either. */
    assert_false(walk(f, USER_VA + (UINT64_C(1) << shift_of(f, 2)), 1, false));
}

static void clean_writable_page_is_refused_for_writes(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, P | RW | US | ACCESSED);

    assert_true(walk(f, USER_VA, 1, false));
    assert_false(walk(f, USER_VA, 1, true));
    set_flags(f, 1, USER_VA, P | RW | US | DIRTY); /* accessed bit does not matter */
    assert_true(walk(f, USER_VA, 1, true));
}

/* Every level counts: a supervisor or read-only table entry above a user
 * read-write page takes away what it does not grant. */
static void every_level_counts(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RW);

    for (unsigned level = 2; level <= f->levels; level++) {
        if (f->kind == PAE && level == 3) {
            continue; /* a legacy PDPTE has no U/S or R/W bit (next test) */
        }
        set_flags(f, level, USER_VA, TABLE & ~US);
        assert_false(walk(f, USER_VA, 1, false));
        assert_false(walk(f, USER_VA, 1, true));
        set_flags(f, level, USER_VA, TABLE & ~RW);
        assert_true(walk(f, USER_VA, 1, false));
        assert_false(walk(f, USER_VA, 1, true));
        set_flags(f, level, USER_VA, TABLE & ~P);
        assert_false(walk(f, USER_VA, 1, false));
        set_flags(f, level, USER_VA, TABLE);
        assert_true(walk(f, USER_VA, 1, true));
    }
}

/* NX and the bits above the address (software, protection keys) do not
 * matter for data; a leaf's PAT bit is no address bit. */
static void nx_and_ignored_bits_do_not_matter(void **state)
{
    fixture *f = *state;
    uint64_t high = f->entry_bytes == 8 ? NX | UINT64_C(0x7ff) << 52 : 0;
    map4k(f, USER_VA, 0x7000000, USER_RW | high | UINT64_C(0xe00)); /* + bits 9-11 */
    assert_true(walk(f, USER_VA + 8, 8, true));
    assert_int_equal(physical_of(f, 0), 0x7000008);
}

/* An instruction fetch (the injector steering a thread) needs NX clear at
 * every level, where NX exists: PAE and long mode with EFER.NXE. */
static void instruction_fetch_needs_nx_clear_at_every_level(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RO);
    assert_true(walk(f, USER_VA, PAGE, GP_ACCESS_EXECUTE));
    if (f->entry_bytes == 4) {
        return; /* 32-bit paging: every readable page is executable */
    }
    for (unsigned level = 1; level <= f->levels; level++) {
        if (f->kind == PAE && level == 3) {
            continue; /* a legacy PDPTE has no NX bit */
        }
        uint64_t index;
        uint64_t table = entry_slot(f, USER_VA, level, TABLE, &index);
        uint64_t entry = get_entry(f, table, index);
        set_entry(f, table, index, entry | NX);
        assert_false(walk(f, USER_VA, 1, GP_ACCESS_EXECUTE));
        assert_true(walk(f, USER_VA, 1, GP_ACCESS_READ));
        set_entry(f, table, index, entry);
    }
    assert_true(walk(f, USER_VA, 1, GP_ACCESS_EXECUTE));
    /* Supervisor code is no user code either. */
    set_flags(f, 1, USER_VA, USER_RO & ~US);
    assert_false(walk(f, USER_VA, 1, GP_ACCESS_EXECUTE));
}

/* Pages in order, each to its own frame, across a last-level table. */
static void range_across_pages_and_tables_reports_every_piece_in_order(void **state)
{
    fixture *f = *state;
    uint64_t table_span = UINT64_C(1) << shift_of(f, 2);
    uint64_t start = USER_VA + table_span - 2 * PAGE; /* 2 pages before the next table */
    for (uint64_t i = 0; i < 4; i++) {
        map4k(f, start + i * PAGE, 0x7000000 + (3 - i) * PAGE, USER_RW); /* reversed frames */
    }
    assert_true(walk(f, start + 0x800, 3 * PAGE, true));
    assert_int_equal(f->mem.extents->len, 4);
    assert_int_equal(physical_of(f, 0), 0x7003800);
    assert_int_equal(physical_of(f, 0x800), 0x7002000);
    assert_int_equal(physical_of(f, 0x1800), 0x7001000);
    assert_int_equal(physical_of(f, 3 * PAGE - 1), 0x70007ff);
    /* One page of them read-only: the whole range is refused for writes. */
    set_flags(f, 1, start + 2 * PAGE, USER_RO);
    assert_false(walk(f, start, 4 * PAGE, true));
    assert_true(walk(f, start, 4 * PAGE, false));
}

/* A 64 KiB buffer in one table: the upper levels once, then one read of
 * its 16 last-level entries. */
static void pages_of_one_table_are_read_in_one_go(void **state)
{
    fixture *f = *state;
    for (uint64_t i = 0; i < 16; i++) {
        map4k(f, USER_VA + i * PAGE, 0x7000000 + i * PAGE, USER_RW);
    }
    assert_true(walk(f, USER_VA, 16 * PAGE, true));
    assert_int_equal(f->mem.reads, f->levels);
    assert_int_equal(physical_of(f, 16 * PAGE - 1), 0x700ffff);
}

static void zero_length_and_wrapping_ranges_are_refused(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RW);
    gp_physical_memory memory = { fake_memory_read, &f->mem };
    assert_false(gp_x86_user_paging.translate_user(f->registers, &memory, USER_VA, 0, false,
                                                   fake_memory_collect, &f->mem));
    assert_false(walk(f, UINT64_MAX, 2, false));
    assert_false(walk(f, USER_VA, UINT64_MAX, false));
}

static void physical_memory_that_does_not_answer_is_refused(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RW);
    /* The last-level table's entry points beyond physical memory. */
    uint64_t index;
    uint64_t table = entry_slot(f, USER_VA, 2, TABLE, &index);
    set_entry(f, table, index, (FAKE_MEMORY_SIZE + 0x10000) | TABLE);
    assert_false(walk(f, USER_VA, 1, false));
}

/* ---- mode by mode ------------------------------------------------------ */

static void two_level_4m_pages_need_pse(void **state)
{
    fixture *f = *state;
    /* 4 MiB page at 12 MiB, frame at 40 MiB plus PSE-36 bits: 0x3_02800000. */
    map_at(f, 2, 0xc00000, 0x2800000 | (UINT64_C(3) << 13), USER_RW);
    assert_true(walk(f, 0xc00000 + 0x123456, 0x10, true));
    assert_int_equal(physical_of(f, 0), UINT64_C(0x302800000) + 0x123456);
    /* A range across the end of the large page: the next one is absent. */
    assert_false(walk(f, 0xfffff0, 0x20, false));

    /* Without CR4.PSE the PS bit is ignored: the entry points to a page
     * table (here at 40 MiB, beyond our memory, so nothing answers). */
    f->registers[GP_X86_CR4] &= ~CR4_PSE;
    assert_false(walk(f, 0xc00000, 1, false));
    set_entry(f, f->root, 3, 0x300000 | TABLE | PS); /* a real table at 3 MiB */
    set_entry(f, 0x300000, 5, 0x9000000 | USER_RW);
    assert_true(walk(f, 0xc05000, 1, true));
    assert_int_equal(physical_of(f, 0), 0x9000000);
}

static void two_level_addresses_are_32_bit(void **state)
{
    fixture *f = *state;
    map4k(f, 0xfffff000, 0x7000000, USER_RW);
    assert_true(walk(f, 0xfffff000, PAGE, true));
    assert_false(walk(f, 0xfffff000, PAGE + 1, false)); /* beyond 4 GiB */
    assert_false(walk(f, UINT64_C(0x1fffff000), 1, false));
}

static void pae_pdpte_has_only_a_present_bit(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RW);
    /* Linux writes PDPTEs as address | present: no U/S, no R/W. */
    assert_int_equal(get_entry(f, f->root, 0) & 0xfff, P);
    assert_true(walk(f, USER_VA, 1, true));
    set_flags(f, 3, USER_VA, 0);
    assert_false(walk(f, USER_VA, 1, false));
    /* PS is reserved in a PDPTE: refused rather than guessed at. */
    set_flags(f, 3, USER_VA, P | PS);
    assert_false(walk(f, USER_VA, 1, false));
}

static void pae_2m_pages_and_the_top_gib(void **state)
{
    fixture *f = *state;
    /* A 2 MiB page in the fourth GiB (PDPTE 3), frame above 4 GiB. */
    map_at(f, 2, 0xc0200000, UINT64_C(0x140000000) | (UINT64_C(1) << 12) /* PAT */, USER_RW);
    assert_true(walk(f, 0xc0200000 + 0x1234, 0x10, true));
    assert_int_equal(physical_of(f, 0), UINT64_C(0x140000000) + 0x1234);
    set_flags(f, 2, 0xc0200000, USER_RO | PS);
    assert_false(walk(f, 0xc0200000, 1, true));
    assert_false(walk(f, UINT64_C(0x100000000), 1, false)); /* beyond 4 GiB */
}

static void long_mode_large_pages(void **state)
{
    fixture *f = *state;
    uint64_t two_m = UINT64_C(0x40000000), one_g = UINT64_C(0x80000000);
    map_at(f, 2, two_m, UINT64_C(0x12345600000) | (UINT64_C(1) << 12), USER_RW);
    map_at(f, 3, one_g, UINT64_C(0x3c0000000) | (UINT64_C(1) << 12), USER_RW);

    assert_true(walk(f, two_m + 0x1fffff, 1, true));
    assert_int_equal(physical_of(f, 0), UINT64_C(0x12345600000) + 0x1fffff);
    assert_true(walk(f, one_g + 0x3ffffff0, 0x10, true));
    assert_int_equal(physical_of(f, 0), UINT64_C(0x3c0000000) + 0x3ffffff0);
    /* 16 MiB inside the 1 GiB page: one piece. */
    assert_true(walk(f, one_g + 0x100000, 16u << 20, false));
    assert_int_equal(f->mem.extents->len, 1);

    set_flags(f, 3, one_g, P | US | ACCESSED | PS); /* read-only 1 GiB page */
    assert_false(walk(f, one_g, 1, true));
    assert_true(walk(f, one_g, 1, false));
    set_flags(f, 3, one_g, P | RW | ACCESSED | DIRTY | PS); /* supervisor */
    assert_false(walk(f, one_g, 1, false));

    /* PS in a PML4E (or PML5E) is reserved. */
    set_flags(f, f->levels, two_m, TABLE | PS);
    assert_false(walk(f, two_m, 1, false));
}

static void long_mode_refuses_non_canonical_addresses(void **state)
{
    fixture *f = *state;
    unsigned bits = f->kind == FIVE_LEVEL ? 57 : 48;
    uint64_t top_of_lower_half = (UINT64_C(1) << (bits - 1)) - PAGE;
    uint64_t kernel_half = ~UINT64_C(0) << (bits - 1); /* first canonical upper address */

    map4k(f, top_of_lower_half, 0x7000000, USER_RW);
    map4k(f, kernel_half, 0x7001000, USER_RW); /* a user page up there, for the test */
    assert_true(walk(f, top_of_lower_half, PAGE, true));
    assert_false(walk(f, top_of_lower_half, PAGE + 1, false)); /* into the hole */
    assert_true(walk(f, kernel_half, 0x10, false));
    assert_int_equal(physical_of(f, 0), 0x7001000);
    assert_false(walk(f, kernel_half - 1, 2, false));
    /* Both ends canonical, the hole in between: refused before any read. */
    assert_false(walk(f, top_of_lower_half, kernel_half - top_of_lower_half + 1, false));
    assert_int_equal(f->mem.reads, 0);
    assert_false(walk(f, UINT64_C(1) << (bits - 1), 1, false));
    assert_false(walk(f, UINT64_C(1) << 63, 1, false));
    if (f->kind == FIVE_LEVEL) {
        /* Beyond 48 bits, only 5 levels can reach. */
        map4k(f, UINT64_C(0x00f0000000000000), 0x7002000, USER_RW);
        assert_true(walk(f, UINT64_C(0x00f0000000000000), 1, true));
        assert_int_equal(physical_of(f, 0), 0x7002000);
    }
}

/* The same tables, walked as 4-level, are not the 5-level answer: LA57 is
 * read at each walk. */
static void la57_selects_five_levels(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RW);
    assert_true(walk(f, USER_VA, 1, false));
    f->registers[GP_X86_CR4] &= ~CR4_LA57;
    assert_false(walk(f, USER_VA, 1, false)); /* the PML5 read as a PML4 maps nothing here */
}

/* Paging off: no protection exists, linear is physical (32-bit). */
static void paging_off_is_the_identity_below_4g(void **state)
{
    fixture *f = *state;
    f->registers[GP_X86_CR0] = 1;
    f->registers[GP_X86_CR4] = 0;
    f->registers[GP_X86_EFER] = 0;
    assert_true(walk(f, 0x12345, 0x1000, true));
    assert_int_equal(physical_of(f, 0), 0x12345);
    assert_int_equal(f->mem.reads, 0);
    assert_true(walk(f, 0xfffff000, PAGE, true));
    assert_false(walk(f, 0xfffff000, PAGE + 1, true));
}

/* ---- main -------------------------------------------------------------- */

#define T(fn, kind) { #fn " (" #kind ")", fn, setup, teardown, (void *)&kind }
#define MODE(fn) T(fn, two_level), T(fn, pae), T(fn, four_level), T(fn, five_level)

int main(void)
{
    const struct CMUnitTest tests[] = {
        MODE(user_read_write_page_allows_both),
        MODE(read_only_page_allows_reads_only),
        MODE(supervisor_page_allows_nothing),
        MODE(absent_page_allows_nothing),
        MODE(clean_writable_page_is_refused_for_writes),
        MODE(every_level_counts),
        MODE(nx_and_ignored_bits_do_not_matter),
        MODE(instruction_fetch_needs_nx_clear_at_every_level),
        MODE(range_across_pages_and_tables_reports_every_piece_in_order),
        MODE(pages_of_one_table_are_read_in_one_go),
        MODE(zero_length_and_wrapping_ranges_are_refused),
        MODE(physical_memory_that_does_not_answer_is_refused),
        T(two_level_4m_pages_need_pse, two_level),
        T(two_level_addresses_are_32_bit, two_level),
        T(two_level_addresses_are_32_bit, pae),
        T(pae_pdpte_has_only_a_present_bit, pae),
        T(pae_2m_pages_and_the_top_gib, pae),
        T(long_mode_large_pages, four_level),
        T(long_mode_large_pages, five_level),
        T(long_mode_refuses_non_canonical_addresses, four_level),
        T(long_mode_refuses_non_canonical_addresses, five_level),
        T(la57_selects_five_levels, five_level),
        T(paging_off_is_the_identity_below_4g, two_level),
        T(paging_off_is_the_identity_below_4g, four_level),
    };
    return cmocka_run_group_tests_name("x86_paging", tests, NULL, NULL);
}
