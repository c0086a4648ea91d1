/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the aarch64 page walk (core/arch/aarch64_paging.c, with the
 * long-descriptor walk of core/arch/arm_long_descriptor.c) against page
 * tables built in a fake physical memory: 4 levels (T0SZ 16, 48-bit
 * addresses), 3 levels (T0SZ 25, 39-bit) and big-endian tables
 * (SCTLR_EL1.EE). The walk must grant exactly what an EL0 access would
 * get: AP[1] and the Access flag, for writes AP[2] clear (Linux's dirty
 * state), for instruction fetches UXN clear, with the APTable and
 * UXNTable bits of every table on the way.
 *
 * Most tests run once per mode ("MODE(fn)"): the same virtual layout is
 * mapped with the mode's own table layout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glib.h>

#include "arch/aarch64_paging.h"
#include "fake_memory.h"

#define PAGE UINT64_C(0x1000)

/* Descriptor bits (Arm ARM D4.3). */
#define VALID UINT64_C(0x1)
#define TABLE_BIT UINT64_C(0x2) /* a table above level 3, a page at it */
#define AP_EL0 (UINT64_C(1) << 6)
#define AP_RO (UINT64_C(1) << 7)
#define SH_INNER (UINT64_C(3) << 8)
#define AF (UINT64_C(1) << 10)
#define NG (UINT64_C(1) << 11)
#define DBM (UINT64_C(1) << 51) /* Linux's PTE_WRITE */
#define PXN (UINT64_C(1) << 53)
#define UXN (UINT64_C(1) << 54)
#define SW_DIRTY (UINT64_C(1) << 55)
#define PXN_TABLE (UINT64_C(1) << 59)
#define UXN_TABLE (UINT64_C(1) << 60)
#define AP_TABLE_NO_EL0 (UINT64_C(1) << 61)
#define AP_TABLE_RO (UINT64_C(1) << 62)
#define OA UINT64_C(0x0000fffffffff000)

/* What Linux puts in user table entries (PXNTable: no kernel execution of
 * user memory) and in user pages. */
#define TABLE (VALID | TABLE_BIT | PXN_TABLE)
#define USER_RW (AP_EL0 | AF | SH_INNER | NG | PXN | UXN | DBM | SW_DIRTY)
#define USER_RW_CLEAN (AP_EL0 | AP_RO | AF | SH_INNER | NG | PXN | UXN | DBM)
#define USER_RO (AP_EL0 | AP_RO | AF | SH_INNER | NG | PXN | UXN)
#define USER_TEXT (AP_EL0 | AP_RO | AF | SH_INNER | NG | PXN)
#define KERNEL_RW (AF | SH_INNER | UXN)

#define SCTLR_M UINT64_C(1)
#define SCTLR_WXN (UINT64_C(1) << 19)
#define SCTLR_EE (UINT64_C(1) << 25)
#define TCR_EPD0 (UINT64_C(1) << 7)
#define TCR_TG0_64K (UINT64_C(1) << 14)
#define TCR_TG0_16K (UINT64_C(2) << 14)
#define TCR_T1SZ_16 (UINT64_C(16) << 16)
#define TCR_TG1_4K (UINT64_C(2) << 30)
#define TCR_IPS_MASK (UINT64_C(7) << 32)
#define TCR_IPS_48 (UINT64_C(5) << 32)
#define TCR_A1 (UINT64_C(1) << 22)
#define TCR_TBI0 (UINT64_C(1) << 37)
#define TCR_TBID0 (UINT64_C(1) << 51)
#define TCR_DS (UINT64_C(1) << 59)

typedef enum mode_kind { FOUR_LEVEL, THREE_LEVEL, BIG_ENDIAN_TABLES } mode_kind;

typedef struct fixture {
    mode_kind kind;
    unsigned t0sz, start_level;
    fake_memory mem; /* the tables, and what the last walk read and reported */
    uint64_t root;
    uint64_t registers[GP_PAGING_REGISTERS];
} fixture;

static const mode_kind four_level = FOUR_LEVEL, three_level = THREE_LEVEL,
                       big_endian_tables = BIG_ENDIAN_TABLES;

/* ---- page tables in the fake physical memory --------------------------- */

static uint64_t new_table(fixture *f)
{
    return fake_memory_table(&f->mem, PAGE);
}

static uint64_t get_entry(const fixture *f, uint64_t table, uint64_t index)
{
    return fake_memory_get(&f->mem, table + index * 8, 8);
}

static void set_entry(fixture *f, uint64_t table, uint64_t index, uint64_t value)
{
    fake_memory_put(&f->mem, table + index * 8, 8, value);
}

static unsigned shift_of(unsigned level)
{
    return 12 + 9 * (3 - level);
}

static uint64_t index_of(unsigned level, uint64_t vaddr)
{
    return (vaddr >> shift_of(level)) & 511;
}

/* The entry at LEVEL on VADDR's path, creating tables down to it. Returns
 * the table holding it and sets *INDEX. */
static uint64_t entry_slot(fixture *f, uint64_t vaddr, unsigned level, uint64_t *index)
{
    uint64_t table = f->root;
    for (unsigned l = f->start_level; l < level; l++) {
        uint64_t i = index_of(l, vaddr);
        uint64_t entry = get_entry(f, table, i);
        if (!(entry & VALID)) {
            entry = new_table(f) | TABLE;
            set_entry(f, table, i, entry);
        }
        table = entry & OA;
    }
    *index = index_of(level, vaddr);
    return table;
}

/* Maps VADDR to PADDR with ATTRS: a page at level 3, a block above. */
static void map_at(fixture *f, unsigned level, uint64_t vaddr, uint64_t paddr, uint64_t attrs)
{
    uint64_t index;
    uint64_t table = entry_slot(f, vaddr, level, &index);
    set_entry(f, table, index, paddr | attrs | VALID | (level == 3 ? TABLE_BIT : 0));
}

static void map4k(fixture *f, uint64_t vaddr, uint64_t paddr, uint64_t attrs)
{
    map_at(f, 3, vaddr, paddr, attrs);
}

/* Replaces the attributes of the entry at LEVEL on VADDR's path. */
static void set_attrs(fixture *f, unsigned level, uint64_t vaddr, uint64_t attrs)
{
    uint64_t index;
    uint64_t table = entry_slot(f, vaddr, level, &index);
    set_entry(f, table, index, (get_entry(f, table, index) & OA) | attrs);
}

static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    f->kind = *state ? *(const mode_kind *)*state : FOUR_LEVEL;
    fake_memory_init(&f->mem);
    f->root = new_table(f);
    f->t0sz = f->kind == THREE_LEVEL ? 25 : 16;
    f->start_level = f->kind == THREE_LEVEL ? 1 : 0;
    f->mem.big_endian = f->kind == BIG_ENDIAN_TABLES;
    f->registers[GP_AARCH64_SCTLR_EL1] = SCTLR_M | UINT64_C(0x30d00800) |
                                         (f->mem.big_endian ? SCTLR_EE : 0);
    f->registers[GP_AARCH64_TCR_EL1] = f->t0sz | TCR_T1SZ_16 | TCR_TG1_4K | TCR_IPS_48 |
                                       TCR_A1 | TCR_TBI0;
    /* An ASID (with TCR_EL1.A1 Linux has it in TTBR1; another kernel may
     * not) and CnP must not move the root. */
    f->registers[GP_AARCH64_TTBR0_EL1] = f->root | UINT64_C(0x2a) << 48 | 1;
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
    return fake_memory_walk(&f->mem, &gp_aarch64_user_paging, f->registers, vaddr, length,
                            access);
}

/* The physical address of byte OFFSET of the walked range. */
static uint64_t physical_of(const fixture *f, uint64_t offset)
{
    return fake_memory_physical_of(&f->mem, offset);
}

#define R GP_ACCESS_READ
#define W GP_ACCESS_WRITE
#define X GP_ACCESS_EXECUTE

/* 64 GiB: 1 GiB aligned and below 2^39, a level-1 entry of its own in
 * every mode. */
#define USER_VA UINT64_C(0x0000001000000000)

/* ---- the basic rules, in every mode ------------------------------------ */

static void user_read_write_page_allows_both(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RW);

    assert_true(walk(f, USER_VA + 0x10, 0x20, R));
    assert_int_equal(f->mem.extents->len, 1);
    assert_int_equal(physical_of(f, 0), 0x7000010);
    assert_true(walk(f, USER_VA, PAGE, W));
    assert_int_equal(physical_of(f, PAGE - 1), 0x7000fff);
    assert_false(walk(f, USER_VA, 4, X)); /* data: UXN */
    /* The next page is not mapped. */
    assert_false(walk(f, USER_VA + PAGE - 1, 2, R));
    assert_false(walk(f, USER_VA + PAGE, 1, R));
}

static void read_only_page_allows_reads_only(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RO);

    assert_true(walk(f, USER_VA, PAGE, R));
    assert_false(walk(f, USER_VA, 1, W));
    assert_false(walk(f, USER_VA + PAGE - 1, 1, W));
}

static void kernel_page_allows_nothing(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, KERNEL_RW);
    assert_false(walk(f, USER_VA, 1, R));
    assert_false(walk(f, USER_VA, 1, W));
    /* Kernel text: UXN clear, but EL0 has no access... to read it. */
    set_attrs(f, 3, USER_VA, AF | AP_RO | VALID | TABLE_BIT);
    assert_false(walk(f, USER_VA, 1, R));
}

static void invalid_descriptors_allow_nothing(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RW);
    set_attrs(f, 3, USER_VA, USER_RW | TABLE_BIT); /* valid bit clear */
    assert_false(walk(f, USER_VA, 1, R));
    set_attrs(f, 3, USER_VA, USER_RW | VALID); /* 0b01 at level 3: reserved */
    assert_false(walk(f, USER_VA, 1, R));
    set_attrs(f, 2, USER_VA, TABLE & ~VALID); /* an invalid table entry */
    assert_false(walk(f, USER_VA, 1, R));
    /* Nothing mapped at all in the next GiB. */
    assert_false(walk(f, USER_VA + (UINT64_C(1) << 30), 1, R));
}

/* Linux without hardware DBM: a clean writable page is read-only until the
 * write fault marks it dirty (AP[2] cleared). */
static void clean_writable_page_is_refused_for_writes(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RW_CLEAN);

    assert_true(walk(f, USER_VA, 1, R));
    assert_false(walk(f, USER_VA, 1, W));
    set_attrs(f, 3, USER_VA, (USER_RW_CLEAN & ~AP_RO) | VALID | TABLE_BIT);
    assert_true(walk(f, USER_VA, 1, W));
}

static void access_flag_clear_is_refused(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RW & ~AF);
    assert_false(walk(f, USER_VA, 1, R));
    assert_false(walk(f, USER_VA, 1, W));
    set_attrs(f, 3, USER_VA, (USER_TEXT & ~AF) | VALID | TABLE_BIT);
    assert_false(walk(f, USER_VA, 4, X));
    set_attrs(f, 3, USER_VA, USER_TEXT | VALID | TABLE_BIT);
    assert_true(walk(f, USER_VA, 4, X));
}

/* The table bits of every level take away what they restrict below. */
static void table_restrictions_at_every_level(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RW & ~UXN);

    for (unsigned level = f->start_level; level < 3; level++) {
        assert_true(walk(f, USER_VA, 1, W));
        assert_true(walk(f, USER_VA, 4, X));
        set_attrs(f, level, USER_VA, TABLE | AP_TABLE_NO_EL0);
        assert_false(walk(f, USER_VA, 1, R));
        assert_false(walk(f, USER_VA, 1, W));
        set_attrs(f, level, USER_VA, TABLE | AP_TABLE_RO);
        assert_true(walk(f, USER_VA, 1, R));
        assert_false(walk(f, USER_VA, 1, W));
        set_attrs(f, level, USER_VA, TABLE | UXN_TABLE);
        assert_true(walk(f, USER_VA, 1, W));
        assert_false(walk(f, USER_VA, 4, X));
        /* PXNTable and NSTable concern the kernel and the secure world. */
        set_attrs(f, level, USER_VA, TABLE | PXN_TABLE | (UINT64_C(1) << 63));
        assert_true(walk(f, USER_VA, 1, W));
        assert_true(walk(f, USER_VA, 4, X));
        set_attrs(f, level, USER_VA, TABLE);
    }
}

/* EL0 executes what UXN allows, readable or not (execute-only memory);
 * SCTLR_EL1.WXN makes what EL0 may write execute-never. */
static void instruction_fetch_needs_uxn_clear(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_TEXT);
    assert_true(walk(f, USER_VA, PAGE, X));
    assert_true(walk(f, USER_VA, PAGE, R));

    set_attrs(f, 3, USER_VA, (USER_TEXT | UXN) | VALID | TABLE_BIT);
    assert_false(walk(f, USER_VA, 4, X));
    assert_true(walk(f, USER_VA, 4, R));

    set_attrs(f, 3, USER_VA, (USER_TEXT & ~AP_EL0) | VALID | TABLE_BIT); /* execute-only */
    assert_true(walk(f, USER_VA, 4, X));
    assert_false(walk(f, USER_VA, 4, R));

    set_attrs(f, 3, USER_VA, (USER_RW & ~UXN) | VALID | TABLE_BIT); /* writable and executable */
    assert_true(walk(f, USER_VA, 4, X));
    f->registers[GP_AARCH64_SCTLR_EL1] |= SCTLR_WXN;
    assert_false(walk(f, USER_VA, 4, X));
    assert_true(walk(f, USER_VA, 4, W));
    set_attrs(f, 3, USER_VA, USER_TEXT | VALID | TABLE_BIT); /* read-only text still runs */
    assert_true(walk(f, USER_VA, 4, X));
}

static void range_across_pages_and_tables_reports_every_piece_in_order(void **state)
{
    fixture *f = *state;
    /* Two pages at the end of one last-level table, one at the start of the
     * next (another 2 MiB), physically scattered. */
    uint64_t at = USER_VA + (UINT64_C(1) << 21) - 2 * PAGE;
    map4k(f, at, 0x5000000, USER_RW);
    map4k(f, at + PAGE, 0x3000000, USER_RW);
    map4k(f, at + 2 * PAGE, 0x3001000, USER_RW);

    assert_true(walk(f, at + 0x800, 2 * PAGE + 0x10, W));
    assert_int_equal(f->mem.extents->len, 3);
    assert_int_equal(physical_of(f, 0), 0x5000800);
    assert_int_equal(physical_of(f, 0x800), 0x3000000);
    assert_int_equal(physical_of(f, 0x800 + PAGE), 0x3001000);
    assert_int_equal(physical_of(f, 2 * PAGE + 0xf), 0x300180f);
    /* One page in the middle read-only: the whole range is refused. */
    set_attrs(f, 3, at + PAGE, USER_RO | VALID | TABLE_BIT);
    assert_false(walk(f, at, 3 * PAGE, W));
    assert_true(walk(f, at, 3 * PAGE, R));
}

static void pages_of_one_table_are_read_in_one_go(void **state)
{
    fixture *f = *state;
    for (unsigned i = 0; i < 64; i++) {
        map4k(f, USER_VA + i * PAGE, 0x4000000 + i * PAGE, USER_RW);
    }
    assert_true(walk(f, USER_VA, 64 * PAGE, R));
    /* The levels above the last, once, and the 64 entries in one read. */
    assert_int_equal(f->mem.reads, (3 - f->start_level) + 1);
    assert_int_equal(f->mem.extents->len, 64);
}

static void zero_length_and_wrapping_ranges_are_refused(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RW);
    assert_false(walk(f, USER_VA, 0, R));
    assert_false(walk(f, UINT64_MAX - 4, 10, R));
}

static void physical_memory_that_does_not_answer_is_refused(void **state)
{
    fixture *f = *state;
    uint64_t index;
    /* Point the entry above the last table at memory that is not there. */
    uint64_t upper = entry_slot(f, USER_VA, 2, &index);
    set_entry(f, upper, index, UINT64_C(0x40000000) | TABLE);
    assert_false(walk(f, USER_VA, 1, R));
}

/* ---- blocks ------------------------------------------------------------ */

static void blocks_at_levels_1_and_2(void **state)
{
    fixture *f = *state;
    uint64_t block_2m = USER_VA + (UINT64_C(1) << 21);
    map_at(f, 2, block_2m, 0x8000000, USER_RW);
    assert_true(walk(f, block_2m + 0x12345, 0x100, W));
    assert_int_equal(physical_of(f, 0), 0x8012345);
    assert_int_equal(f->mem.extents->len, 1);
    assert_true(walk(f, block_2m, UINT64_C(1) << 21, R));
    assert_int_equal(f->mem.extents->len, 1);
    assert_false(walk(f, block_2m, (UINT64_C(1) << 21) + 1, R));

    uint64_t block_1g = USER_VA + (UINT64_C(1) << 30);
    map_at(f, 1, block_1g, UINT64_C(0x80000000), USER_RO);
    assert_true(walk(f, block_1g + 0x3456789, 8, R));
    assert_int_equal(physical_of(f, 0), UINT64_C(0x83456789));
    assert_false(walk(f, block_1g, 1, W));
    /* Bits of the output address below the block size are RES0: ignored. */
    set_attrs(f, 1, block_1g, USER_RO | VALID | (UINT64_C(1) << 21));
    assert_true(walk(f, block_1g + 0x10, 8, R));
    assert_int_equal(physical_of(f, 0), UINT64_C(0x80000010));
    /* A block at level 3 is the reserved encoding (previous tests), and
     * one at level 0 needs 52-bit addresses (FEAT_LPA2). */
    if (f->start_level == 0) {
        uint64_t block_512g = UINT64_C(1) << 40;
        map_at(f, 0, block_512g, 0, USER_RW);
        assert_false(walk(f, block_512g, 1, R));
    }
}

/* ---- the address range TTBR0 translates -------------------------------- */

static void addresses_beyond_ttbr0_are_refused(void **state)
{
    fixture *f = *state;
    uint64_t top = UINT64_C(1) << (64 - f->t0sz);
    map4k(f, top - PAGE, 0x7000000, USER_RW);
    assert_true(walk(f, top - PAGE, PAGE, R));
    assert_false(walk(f, top - PAGE, PAGE + 1, R));
    assert_false(walk(f, top, 1, R));
    /* The same index bits with the sign bit set are TTBR1's: the kernel's. */
    assert_false(walk(f, (top - PAGE) | UINT64_C(0xffff000000000000) |
                             (UINT64_C(0x00ff) << 48),
                      1, R));
    assert_false(walk(f, UINT64_C(0xffffffffc0000000), 1, R));
    assert_false(walk(f, UINT64_C(1) << 55, 1, R));
}

/* TBI0: the top byte is a tag; the MMU ignores it. */
static void top_byte_is_ignored_with_tbi0(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_TEXT);
    uint64_t tagged = USER_VA | UINT64_C(0x2a) << 56;
    assert_true(walk(f, tagged + 8, 8, R));
    assert_int_equal(physical_of(f, 0), 0x7000008);
    assert_true(walk(f, tagged, 4, X));
    /* TBID0: instruction addresses are not tagged. */
    f->registers[GP_AARCH64_TCR_EL1] |= TCR_TBID0;
    assert_false(walk(f, tagged, 4, X));
    assert_true(walk(f, tagged, 4, R));
    assert_true(walk(f, USER_VA, 4, X));
    /* A range that changes its tag on the way is refused. */
    assert_false(walk(f, (UINT64_C(0x2b) << 56) - 8, 16, R));
    /* Without TBI0 a tag is part of the address, beyond TTBR0's range. */
    f->registers[GP_AARCH64_TCR_EL1] &= ~TCR_TBI0;
    assert_false(walk(f, tagged, 1, R));
    assert_true(walk(f, USER_VA, 1, R));
}

static void regimes_the_walk_does_not_take_are_refused(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RW);
    uint64_t tcr = f->registers[GP_AARCH64_TCR_EL1];
    assert_true(walk(f, USER_VA, 1, R));
    uint64_t refused[] = {
        tcr | TCR_EPD0,                    /* TTBR0 walks disabled */
        tcr | TCR_TG0_64K,                 /* other granules */
        tcr | TCR_TG0_16K,
        tcr | (UINT64_C(3) << 14),         /* reserved granule */
        tcr | TCR_DS,                      /* 52-bit (FEAT_LPA2) */
        (tcr & ~UINT64_C(0x3f)) | 15,      /* T0SZ below 16 */
        (tcr & ~UINT64_C(0x3f)) | 40,      /* T0SZ above 39 (FEAT_TTST) */
        (tcr & ~TCR_IPS_MASK) | (UINT64_C(7) << 32), /* reserved IPS */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
        f->registers[GP_AARCH64_TCR_EL1] = refused[i];
        assert_false(walk(f, USER_VA, 1, R));
    }
}

/* SCTLR_EL1.M = 0: EL0 would be untranslated, but the registers are then
 * likely not the ones translating EL0 (a VHE kernel at EL2), so nothing. */
static void mmu_off_is_refused(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, 0x7000000, USER_RW);
    f->registers[GP_AARCH64_SCTLR_EL1] &= ~SCTLR_M;
    assert_false(walk(f, USER_VA, 1, R));
    assert_false(walk(f, 0x1000, 1, R));
    assert_int_equal(f->mem.reads, 0);
}

/* TCR_EL1.IPS: output addresses the physical address size cannot hold are
 * Address size faults. */
static void output_beyond_the_physical_address_size_is_refused(void **state)
{
    fixture *f = *state;
    map4k(f, USER_VA, UINT64_C(0x100000000), USER_RW);
    assert_true(walk(f, USER_VA, 1, R));
    assert_int_equal(physical_of(f, 0), UINT64_C(0x100000000));
    f->registers[GP_AARCH64_TCR_EL1] &= ~TCR_IPS_MASK; /* 32 bits */
    assert_false(walk(f, USER_VA, 1, R));
    map4k(f, USER_VA + PAGE, 0xfffff000, USER_RW);
    assert_true(walk(f, USER_VA + PAGE, PAGE, R));
}

/* ---- start levels from T0SZ in general --------------------------------- */

/* T0SZ 33 (31-bit addresses): the walk starts at level 1 with a 2-entry,
 * 16-byte table; T0SZ 39 (25 bits) at level 2 with 16 entries. */
static void small_address_spaces_start_lower(void **state)
{
    fixture *f = *state;
    const struct {
        unsigned t0sz, start_level;
        uint64_t root_offset; /* in its page: the table's own alignment */
    } cases[] = { { 33, 1, 0x10 }, { 39, 2, 0x80 }, { 30, 1, 0x80 } };

    for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
        fake_memory_clear(&f->mem);
        f->root = new_table(f) + cases[c].root_offset;
        f->start_level = cases[c].start_level;
        f->registers[GP_AARCH64_TCR_EL1] =
            (f->registers[GP_AARCH64_TCR_EL1] & ~UINT64_C(0x3f)) | cases[c].t0sz;
        f->registers[GP_AARCH64_TTBR0_EL1] = f->root | UINT64_C(7) << 48;
        uint64_t top = UINT64_C(1) << (64 - cases[c].t0sz);
        map4k(f, top - PAGE, 0x6000000, USER_RW);
        map4k(f, 0x1000, 0x6001000, USER_RW);
        assert_true(walk(f, top - PAGE + 4, 4, W));
        assert_int_equal(physical_of(f, 0), 0x6000004);
        assert_true(walk(f, 0x1000, 4, R));
        assert_int_equal(physical_of(f, 0), 0x6001000);
        assert_false(walk(f, top, 1, R));
        assert_int_equal(gp_aarch64_user_paging.address_space(f->registers), f->root);
    }
}

/* ---- the address space ------------------------------------------------- */

static void address_space_is_the_table_base(void **state)
{
    fixture *f = *state;
    uint64_t *r = f->registers;
    uint64_t root = UINT64_C(0x4321000);
    r[GP_AARCH64_TTBR0_EL1] = root;
    assert_int_equal(gp_aarch64_user_paging.address_space(r), root);
    /* ASID and CnP do not count: every thread of a process, whatever ASID
     * it runs with, is the same address space. */
    r[GP_AARCH64_TTBR0_EL1] = root | UINT64_C(0xbeef) << 48 | 1;
    assert_int_equal(gp_aarch64_user_paging.address_space(r), root);
    r[GP_AARCH64_TTBR0_EL1] = root + PAGE;
    assert_int_not_equal(gp_aarch64_user_paging.address_space(r), root);
    /* With the MMU off there is one address space, whatever TTBR0 holds. */
    r[GP_AARCH64_SCTLR_EL1] &= ~SCTLR_M;
    uint64_t off = gp_aarch64_user_paging.address_space(r);
    r[GP_AARCH64_TTBR0_EL1] = root;
    assert_int_equal(gp_aarch64_user_paging.address_space(r), off);
    /* A regime the walk refuses still names its table. */
    r[GP_AARCH64_SCTLR_EL1] |= SCTLR_M;
    r[GP_AARCH64_TCR_EL1] |= TCR_TG0_64K;
    r[GP_AARCH64_TTBR0_EL1] = root | UINT64_C(0x1) << 48 | 1;
    assert_int_equal(gp_aarch64_user_paging.address_space(r), root);
}

static void the_walk_reads_the_registers_it_names(void **unused)
{
    (void)unused;
    assert_string_equal(gp_aarch64_user_paging.registers[GP_AARCH64_SCTLR_EL1], "SCTLR_EL1");
    assert_string_equal(gp_aarch64_user_paging.registers[GP_AARCH64_TCR_EL1], "TCR_EL1");
    assert_string_equal(gp_aarch64_user_paging.registers[GP_AARCH64_TTBR0_EL1], "TTBR0_EL1");
    assert_null(gp_aarch64_user_paging.registers[3]);
}

/* ---- main -------------------------------------------------------------- */

#define T(fn, kind) { #fn " (" #kind ")", fn, setup, teardown, (void *)&kind }
#define MODE(fn) T(fn, four_level), T(fn, three_level), T(fn, big_endian_tables)

int main(void)
{
    const struct CMUnitTest tests[] = {
        MODE(user_read_write_page_allows_both),
        MODE(read_only_page_allows_reads_only),
        MODE(kernel_page_allows_nothing),
        MODE(invalid_descriptors_allow_nothing),
        MODE(clean_writable_page_is_refused_for_writes),
        MODE(access_flag_clear_is_refused),
        MODE(table_restrictions_at_every_level),
        MODE(instruction_fetch_needs_uxn_clear),
        MODE(range_across_pages_and_tables_reports_every_piece_in_order),
        MODE(pages_of_one_table_are_read_in_one_go),
        MODE(zero_length_and_wrapping_ranges_are_refused),
        MODE(physical_memory_that_does_not_answer_is_refused),
        MODE(blocks_at_levels_1_and_2),
        MODE(addresses_beyond_ttbr0_are_refused),
        MODE(top_byte_is_ignored_with_tbi0),
        MODE(regimes_the_walk_does_not_take_are_refused),
        T(mmu_off_is_refused, four_level),
        T(output_beyond_the_physical_address_size_is_refused, four_level),
        T(output_beyond_the_physical_address_size_is_refused, three_level),
        T(small_address_spaces_start_lower, four_level),
        T(small_address_spaces_start_lower, big_endian_tables),
        T(address_space_is_the_table_base, four_level),
        cmocka_unit_test(the_walk_reads_the_registers_it_names),
    };
    return cmocka_run_group_tests_name("aarch64_paging", tests, NULL, NULL);
}
