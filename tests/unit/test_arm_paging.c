/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the arm page walk (core/arch/arm_paging.c) against page tables
 * built in a fake physical memory, in both formats an ARMv7 kernel may
 * use: long descriptors (LPAE, TTBCR.EAE = 1; the long-descriptor walk of
 * core/arch/arm_long_descriptor.c) and short descriptors (sections,
 * supersections, large and small pages in domains;
 * core/arch/arm_short_descriptor.c), each with little- and big-endian
 * tables (SCTLR.EE). The walk must grant exactly what a PL0 access would
 * get.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glib.h>

#include "arch/arm_paging.h"
#include "fake_memory.h"

#define PAGE UINT64_C(0x1000)
#define MIB (UINT64_C(1) << 20)

#define SCTLR_M UINT64_C(1)
#define SCTLR_WXN (UINT64_C(1) << 19)
#define SCTLR_EE (UINT64_C(1) << 25)
#define SCTLR_AFE (UINT64_C(1) << 29)
#define TTBCR_EAE (UINT64_C(1) << 31)
#define TTBCR_PD0 (UINT64_C(1) << 4)
#define TTBCR_EPD0 (UINT64_C(1) << 7)
#define TTBCR_T1SZ(n) ((uint64_t)(n) << 16)

/* Long descriptors (ARMv7 ARM B3.6.1). */
#define L_VALID UINT64_C(0x1)
#define L_TABLE_BIT UINT64_C(0x2)
#define L_AP_PL0 (UINT64_C(1) << 6)
#define L_AP_RO (UINT64_C(1) << 7)
#define L_AF (UINT64_C(1) << 10)
#define L_NG (UINT64_C(1) << 11)
#define L_PXN (UINT64_C(1) << 53)
#define L_XN (UINT64_C(1) << 54)
#define L_SW_DIRTY (UINT64_C(1) << 55)
#define L_PXN_TABLE (UINT64_C(1) << 59)
#define L_XN_TABLE (UINT64_C(1) << 60)
#define L_AP_TABLE_NO_PL0 (UINT64_C(1) << 61)
#define L_AP_TABLE_RO (UINT64_C(1) << 62)
#define L_OA UINT64_C(0x000000fffffff000)
#define L_TABLE (L_VALID | L_TABLE_BIT)
#define L_USER_RW (L_AP_PL0 | L_AF | L_NG | L_XN | L_SW_DIRTY)
#define L_USER_RO (L_AP_PL0 | L_AP_RO | L_AF | L_NG | L_XN)
#define L_USER_TEXT (L_AP_PL0 | L_AP_RO | L_AF | L_NG)
#define L_KERNEL (L_AF | L_XN)

/* Short descriptors (ARMv7 ARM B3.5.1); AP[2:0] in the page's bits. */
#define S_PAGE_TABLE UINT32_C(0x1)
#define S_SECTION UINT32_C(0x2)
#define S_SUPERSECTION ((UINT32_C(1) << 18) | S_SECTION)
#define S_SECTION_XN (UINT32_C(1) << 4)
#define S_DOMAIN(d) ((uint32_t)(d) << 5)
#define S_SMALL UINT32_C(0x2)
#define S_SMALL_XN UINT32_C(0x1)
#define S_LARGE UINT32_C(0x1)
#define S_LARGE_XN (UINT32_C(1) << 15)

typedef enum mode_kind { LPAE, LPAE_BIG_ENDIAN, SHORT, SHORT_BIG_ENDIAN } mode_kind;

typedef struct fixture {
    mode_kind kind;
    bool lpae;
    unsigned start_level; /* LPAE */
    fake_memory mem;      /* the tables, and what the last walk read and reported */
    uint64_t root;
    uint64_t registers[GP_PAGING_REGISTERS];
} fixture;

static const mode_kind lpae = LPAE, lpae_big_endian = LPAE_BIG_ENDIAN, short_descriptors = SHORT,
                       short_big_endian = SHORT_BIG_ENDIAN;

/* ---- the fake physical memory ------------------------------------------ */

static uint64_t new_table(fixture *f, uint64_t size)
{
    return fake_memory_table(&f->mem, size);
}

static uint64_t get(const fixture *f, uint64_t addr, unsigned bytes)
{
    return fake_memory_get(&f->mem, addr, bytes);
}

static void put(fixture *f, uint64_t addr, unsigned bytes, uint64_t value)
{
    fake_memory_put(&f->mem, addr, bytes, value);
}

/* ---- long-descriptor tables -------------------------------------------- */

static unsigned lpae_shift(unsigned level)
{
    return 12 + 9 * (3 - level);
}

/* The address of the entry at LEVEL on VADDR's path, tables created. */
static uint64_t lpae_slot(fixture *f, uint64_t vaddr, unsigned level)
{
    uint64_t table = f->root;
    for (unsigned l = f->start_level; l < level; l++) {
        uint64_t at = table + ((vaddr >> lpae_shift(l)) & 511) * 8;
        uint64_t entry = get(f, at, 8);
        if (!(entry & L_VALID)) {
            entry = new_table(f, PAGE) | L_TABLE;
            put(f, at, 8, entry);
        }
        table = entry & L_OA;
    }
    return table + ((vaddr >> lpae_shift(level)) & 511) * 8;
}

static void lpae_map(fixture *f, unsigned level, uint64_t vaddr, uint64_t paddr, uint64_t attrs)
{
    put(f, lpae_slot(f, vaddr, level), 8, paddr | attrs | L_VALID | (level == 3 ? L_TABLE_BIT : 0));
}

static void lpae_set_attrs(fixture *f, unsigned level, uint64_t vaddr, uint64_t attrs)
{
    uint64_t at = lpae_slot(f, vaddr, level);
    put(f, at, 8, (get(f, at, 8) & L_OA) | attrs);
}

/* ---- short-descriptor tables ------------------------------------------- */

static uint64_t short_l1_slot(const fixture *f, uint64_t vaddr)
{
    return f->root + (vaddr >> 20) * 4;
}

/* The second-level entry of VADDR, its table created in DOMAIN. */
static uint64_t short_l2_slot(fixture *f, uint64_t vaddr, unsigned domain)
{
    uint64_t l1 = short_l1_slot(f, vaddr);
    uint64_t entry = get(f, l1, 4);
    if ((entry & 3) != S_PAGE_TABLE) {
        entry = new_table(f, 0x400) | S_DOMAIN(domain) | S_PAGE_TABLE;
        put(f, l1, 4, entry);
    }
    return (entry & UINT32_C(0xfffffc00)) + ((vaddr >> 12) & 0xff) * 4;
}

/* AP[2:0] of a small or large page in its bits. */
static uint32_t page_ap(unsigned ap)
{
    return (uint32_t)((ap & 3) << 4 | (ap & 4) << 7);
}

/* AP[2:0] of a section in its bits. */
static uint32_t section_ap(unsigned ap)
{
    return (uint32_t)((ap & 3) << 10 | (ap & 4) << 13);
}

static void short_map4k(fixture *f, uint64_t vaddr, uint32_t paddr, unsigned ap, uint32_t extra)
{
    put(f, short_l2_slot(f, vaddr, 1), 4, paddr | page_ap(ap) | S_SMALL | extra);
}

/* ---- fixture ----------------------------------------------------------- */

static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    f->kind = *state ? *(const mode_kind *)*state : LPAE;
    f->lpae = f->kind == LPAE || f->kind == LPAE_BIG_ENDIAN;
    fake_memory_init(&f->mem);
    f->mem.big_endian = f->kind == LPAE_BIG_ENDIAN || f->kind == SHORT_BIG_ENDIAN;
    f->registers[GP_ARM_SCTLR] = SCTLR_M | UINT64_C(0x10c5387c) |
                                 (f->mem.big_endian ? SCTLR_EE : 0);
    if (f->lpae) {
        /* Linux's 3G/1G split: T0SZ 0, T1SZ 2 (TTBR1 from 0xc0000000); a
         * 4-entry first-level table, only 32-byte aligned. */
        f->start_level = 1;
        f->root = new_table(f, PAGE) + 0x60;
        f->registers[GP_ARM_TTBCR] = TTBCR_EAE | TTBCR_T1SZ(2);
        f->registers[GP_ARM_TTBR0] = f->root | UINT64_C(0x42) << 48; /* an ASID */
    } else {
        f->root = new_table(f, 0x4000);
        f->registers[GP_ARM_TTBCR] = 0;
        f->registers[GP_ARM_TTBR0] = f->root | 0x6a; /* walk attributes */
        /* Domains 0 to 3 (kernel, user, io, vectors) are clients, as for
         * Linux in user mode. */
        f->registers[GP_ARM_DACR] = 0x55;
    }
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
    return fake_memory_walk(&f->mem, &gp_arm_user_paging, f->registers, vaddr, length, access);
}

/* The physical address of byte OFFSET of the walked range. */
static uint64_t physical_of(const fixture *f, uint64_t offset)
{
    return fake_memory_physical_of(&f->mem, offset);
}

#define R GP_ACCESS_READ
#define W GP_ACCESS_WRITE
#define X GP_ACCESS_EXECUTE
#define USER_VA UINT64_C(0x40000000) /* 1 GiB: a first-level entry of its own */

/* Maps a user page in the mode's format: RW (writable and dirty), RO or
 * TEXT (read-only, executable). */
typedef enum page_kind { USER_RW, USER_RO, USER_TEXT, KERNEL } page_kind;

static void map_user(fixture *f, uint64_t vaddr, uint64_t paddr, page_kind kind)
{
    if (f->lpae) {
        static const uint64_t attrs[] = { L_USER_RW, L_USER_RO, L_USER_TEXT, L_KERNEL };
        lpae_map(f, 3, vaddr, paddr, attrs[kind]);
    } else {
        /* Linux's hardware entries (proc-v7-2level.S): AP[0] always set,
         * AP[1] for user, AP[2] for read-only or clean. */
        static const unsigned ap[] = { 3, 7, 7, 1 };
        short_map4k(f, vaddr, (uint32_t)paddr, ap[kind], kind == USER_TEXT ? 0 : S_SMALL_XN);
    }
}

/* ---- the rules both formats share -------------------------------------- */

static void user_read_write_page_allows_both(void **state)
{
    fixture *f = *state;
    map_user(f, USER_VA, 0x7000000, USER_RW);
    assert_true(walk(f, USER_VA + 0x10, 0x20, R));
    assert_int_equal(f->mem.extents->len, 1);
    assert_int_equal(physical_of(f, 0), 0x7000010);
    assert_true(walk(f, USER_VA, PAGE, W));
    assert_int_equal(physical_of(f, PAGE - 1), 0x7000fff);
    assert_false(walk(f, USER_VA, 4, X));
    assert_false(walk(f, USER_VA + PAGE - 1, 2, R));
    assert_false(walk(f, USER_VA + PAGE, 1, R));
}

static void read_only_page_allows_reads_only(void **state)
{
    fixture *f = *state;
    map_user(f, USER_VA, 0x7000000, USER_RO);
    assert_true(walk(f, USER_VA, PAGE, R));
    assert_false(walk(f, USER_VA, 1, W));
    assert_false(walk(f, USER_VA, 4, X));
}

static void kernel_page_allows_nothing(void **state)
{
    fixture *f = *state;
    map_user(f, USER_VA, 0x7000000, KERNEL);
    assert_false(walk(f, USER_VA, 1, R));
    assert_false(walk(f, USER_VA, 1, W));
    assert_false(walk(f, USER_VA, 1, X));
}

/* AArch32 fetches need read permission too: no execute-only memory. */
static void text_executes_and_needs_read_permission(void **state)
{
    fixture *f = *state;
    map_user(f, USER_VA, 0x7000000, USER_TEXT);
    assert_true(walk(f, USER_VA, PAGE, X));
    assert_true(walk(f, USER_VA, PAGE, R));
    assert_false(walk(f, USER_VA, 1, W));
    if (f->lpae) {
        lpae_set_attrs(f, 3, USER_VA, (L_USER_TEXT & ~L_AP_PL0) | L_VALID | L_TABLE_BIT);
    } else {
        short_map4k(f, USER_VA, 0x7000000, 1, 0); /* PL1 only, XN clear */
    }
    assert_false(walk(f, USER_VA, 4, X));
}

/* SCTLR.WXN: what PL0 may write does not execute. */
static void wxn_makes_writable_pages_execute_never(void **state)
{
    fixture *f = *state;
    if (f->lpae) {
        lpae_map(f, 3, USER_VA, 0x7000000, L_USER_RW & ~L_XN);
    } else {
        short_map4k(f, USER_VA, 0x7000000, 3, 0);
    }
    assert_true(walk(f, USER_VA, 4, X));
    f->registers[GP_ARM_SCTLR] |= SCTLR_WXN;
    assert_false(walk(f, USER_VA, 4, X));
    assert_true(walk(f, USER_VA, 4, W));
}

static void range_across_pages_and_tables_reports_every_piece_in_order(void **state)
{
    fixture *f = *state;
    /* Across a 2 MiB boundary: another last-level table in both formats. */
    uint64_t at = USER_VA + 2 * MIB - 2 * PAGE;
    map_user(f, at, 0x5000000, USER_RW);
    map_user(f, at + PAGE, 0x3000000, USER_RW);
    map_user(f, at + 2 * PAGE, 0x3001000, USER_RW);
    assert_true(walk(f, at + 0x800, 2 * PAGE + 0x10, W));
    assert_int_equal(f->mem.extents->len, 3);
    assert_int_equal(physical_of(f, 0), 0x5000800);
    assert_int_equal(physical_of(f, 0x800), 0x3000000);
    assert_int_equal(physical_of(f, 0x800 + PAGE), 0x3001000);
    assert_int_equal(physical_of(f, 2 * PAGE + 0xf), 0x300180f);
    map_user(f, at + PAGE, 0x3000000, USER_RO);
    assert_false(walk(f, at, 3 * PAGE, W));
    assert_true(walk(f, at, 3 * PAGE, R));
}

static void pages_of_one_table_are_read_in_one_go(void **state)
{
    fixture *f = *state;
    for (unsigned i = 0; i < 64; i++) {
        map_user(f, USER_VA + i * PAGE, 0x4000000 + i * PAGE, USER_RW);
    }
    assert_true(walk(f, USER_VA, 64 * PAGE, R));
    /* LPAE: levels 1 and 2, then one read of level 3; short: the
     * first-level entry, then one read of the second level. */
    assert_int_equal(f->mem.reads, f->lpae ? 3 : 2);
    assert_int_equal(f->mem.extents->len, 64);
}

static void zero_length_wrapping_and_64_bit_ranges_are_refused(void **state)
{
    fixture *f = *state;
    map_user(f, USER_VA, 0x7000000, USER_RW);
    assert_false(walk(f, USER_VA, 0, R));
    assert_false(walk(f, UINT64_MAX - 4, 10, R));
    assert_false(walk(f, UINT64_C(0x100000000) + USER_VA, 1, R));
    f->registers[GP_ARM_SCTLR] &= ~SCTLR_M;
    assert_false(walk(f, UINT64_C(0xfffff000), PAGE + 1, R));
}

static void physical_memory_that_does_not_answer_is_refused(void **state)
{
    fixture *f = *state;
    if (f->lpae) {
        put(f, lpae_slot(f, USER_VA, 2), 8, UINT64_C(0x40000000) | L_TABLE);
    } else {
        put(f, short_l1_slot(f, USER_VA), 4, UINT32_C(0x40000000) | S_DOMAIN(1) | S_PAGE_TABLE);
    }
    assert_false(walk(f, USER_VA, 1, R));
}

/* SCTLR.M = 0: no translation, no protection, 32-bit addresses. */
static void mmu_off_is_the_identity(void **state)
{
    fixture *f = *state;
    f->registers[GP_ARM_SCTLR] &= ~SCTLR_M;
    assert_true(walk(f, 0x12345, 0x1000, W));
    assert_int_equal(physical_of(f, 0), 0x12345);
    assert_int_equal(f->mem.reads, 0);
    assert_true(walk(f, 0xfffff000, PAGE, X));
    assert_int_equal(gp_arm_user_paging.address_space(f->registers), 0);
}

/* ---- long descriptors -------------------------------------------------- */

static void lpae_access_flag_and_table_restrictions(void **state)
{
    fixture *f = *state;
    lpae_map(f, 3, USER_VA, 0x7000000, L_USER_RW & ~L_XN);
    lpae_set_attrs(f, 3, USER_VA, (L_USER_RW & ~L_AF) | L_VALID | L_TABLE_BIT);
    assert_false(walk(f, USER_VA, 1, R));
    lpae_set_attrs(f, 3, USER_VA, (L_USER_RW & ~L_XN) | L_VALID | L_TABLE_BIT);
    for (unsigned level = 1; level < 3; level++) {
        assert_true(walk(f, USER_VA, 1, W));
        assert_true(walk(f, USER_VA, 4, X));
        lpae_set_attrs(f, level, USER_VA, L_TABLE | L_AP_TABLE_NO_PL0);
        assert_false(walk(f, USER_VA, 1, R));
        lpae_set_attrs(f, level, USER_VA, L_TABLE | L_AP_TABLE_RO);
        assert_true(walk(f, USER_VA, 1, R));
        assert_false(walk(f, USER_VA, 1, W));
        lpae_set_attrs(f, level, USER_VA, L_TABLE | L_XN_TABLE);
        assert_false(walk(f, USER_VA, 4, X));
        assert_true(walk(f, USER_VA, 4, W));
        lpae_set_attrs(f, level, USER_VA, L_TABLE | L_PXN_TABLE);
        assert_true(walk(f, USER_VA, 4, X));
        lpae_set_attrs(f, level, USER_VA, L_TABLE);
    }
    /* PXN concerns PL1 only. */
    lpae_set_attrs(f, 3, USER_VA, (L_USER_TEXT | L_PXN) | L_VALID | L_TABLE_BIT);
    assert_true(walk(f, USER_VA, 4, X));
}

static void lpae_clean_writable_page_is_refused_for_writes(void **state)
{
    fixture *f = *state;
    /* Linux's LPAE entries: AP[2] set on a clean page until the write
     * fault marks it dirty (proc-v7-3level.S). */
    lpae_map(f, 3, USER_VA, 0x7000000, (L_USER_RW & ~L_SW_DIRTY) | L_AP_RO);
    assert_true(walk(f, USER_VA, 1, R));
    assert_false(walk(f, USER_VA, 1, W));
}

static void lpae_blocks_at_levels_1_and_2(void **state)
{
    fixture *f = *state;
    uint64_t block_2m = USER_VA + 2 * MIB;
    lpae_map(f, 2, block_2m, 0x8000000, L_USER_RW);
    assert_true(walk(f, block_2m + 0x12345, 0x100, W));
    assert_int_equal(physical_of(f, 0), 0x8012345);
    assert_true(walk(f, block_2m, 2 * MIB, R));
    assert_int_equal(f->mem.extents->len, 1);
    assert_false(walk(f, block_2m, 2 * MIB + 1, R));

    uint64_t block_1g = 0x80000000;
    lpae_map(f, 1, block_1g, UINT64_C(0x8040000000), L_USER_RO); /* above 4 GiB: 40-bit PA */
    assert_true(walk(f, block_1g + 0x3456789, 8, R));
    assert_int_equal(physical_of(f, 0), UINT64_C(0x8043456789));
    assert_false(walk(f, block_1g, 1, W));
    /* 0b01 at level 3 is reserved. */
    lpae_set_attrs(f, 3, USER_VA, L_USER_RW | L_VALID);
    assert_false(walk(f, USER_VA, 1, R));
}

/* Output addresses have 40 bits: bits 47:40 are an Address size fault. */
static void lpae_output_beyond_40_bits_is_refused(void **state)
{
    fixture *f = *state;
    lpae_map(f, 3, USER_VA, UINT64_C(0xff00000000), L_USER_RW);
    assert_true(walk(f, USER_VA, 1, R));
    lpae_map(f, 3, USER_VA, UINT64_C(0x10000000000), L_USER_RW);
    assert_false(walk(f, USER_VA, 1, R));
    f->registers[GP_ARM_TTBR0] |= UINT64_C(1) << 40;
    map_user(f, USER_VA + PAGE, 0x7000000, USER_RW);
    assert_false(walk(f, USER_VA + PAGE, 1, R));
}

/* TTBR0 translates below TTBR1's range, or below 2^(32-T0SZ). */
static void lpae_ttbr1_range_and_beyond_t0sz_are_refused(void **state)
{
    fixture *f = *state;
    map_user(f, UINT64_C(0xbffff000), 0x7000000, USER_RW);
    map_user(f, USER_VA, 0x7001000, USER_RW);
    assert_true(walk(f, UINT64_C(0xbffff000), PAGE, R));
    assert_false(walk(f, UINT64_C(0xbffff000), PAGE + 1, R));
    /* The first-level table has a fourth entry; TTBR0 does not use it. */
    lpae_map(f, 1, UINT64_C(0xc0000000), 0x40000000, L_USER_RW);
    assert_false(walk(f, UINT64_C(0xc0000000), 1, R));
    assert_false(walk(f, UINT64_C(0xfffff000), 1, R));
    /* T1SZ 0: TTBR0 translates everything. */
    f->registers[GP_ARM_TTBCR] = TTBCR_EAE;
    assert_true(walk(f, UINT64_C(0xc0000000), 1, R));
    /* T0SZ 1: TTBR0 has the low 2 GiB (a 2-entry first-level table). */
    f->registers[GP_ARM_TTBCR] = TTBCR_EAE | 1;
    assert_true(walk(f, USER_VA, 1, R));
    assert_false(walk(f, UINT64_C(0x80000000), 1, R));
    /* EPD0: no TTBR0 walks at all. */
    f->registers[GP_ARM_TTBCR] = TTBCR_EAE | TTBCR_T1SZ(2) | TTBCR_EPD0;
    assert_false(walk(f, UINT64_C(0xbffff000), 1, R));
}

/* T0SZ 2 to 7 start at level 2 (B3.6.6): 1 GiB down to 32 MiB. */
static void lpae_small_t0sz_starts_at_level_2(void **state)
{
    fixture *f = *state;
    fake_memory_clear(&f->mem);
    f->start_level = 2;
    f->root = new_table(f, PAGE);
    f->registers[GP_ARM_TTBCR] = TTBCR_EAE | 2;
    f->registers[GP_ARM_TTBR0] = f->root | UINT64_C(5) << 48;
    map_user(f, UINT64_C(0x3ffff000), 0x7000000, USER_RW);
    assert_true(walk(f, UINT64_C(0x3ffff000), PAGE, W));
    assert_false(walk(f, UINT64_C(0x40000000), 1, R));
    assert_int_equal(gp_arm_user_paging.address_space(f->registers), f->root);
}

static void lpae_address_space_is_the_32_byte_table(void **state)
{
    fixture *f = *state;
    uint64_t *r = f->registers;
    uint64_t space = gp_arm_user_paging.address_space(r);
    assert_int_equal(space, f->root);
    r[GP_ARM_TTBR0] = f->root | UINT64_C(0x99) << 48; /* another ASID: the same process */
    assert_int_equal(gp_arm_user_paging.address_space(r), space);
    r[GP_ARM_TTBR0] = f->root + 0x20; /* the next process's table, in the same page */
    assert_int_not_equal(gp_arm_user_paging.address_space(r), space);
}

/* ---- short descriptors ------------------------------------------------- */

static void short_sections_supersections_and_large_pages(void **state)
{
    fixture *f = *state;
    /* A section: 1 MiB. */
    put(f, short_l1_slot(f, USER_VA), 4,
        UINT32_C(0x81200000) | section_ap(3) | S_DOMAIN(1) | S_SECTION | S_SECTION_XN);
    assert_true(walk(f, USER_VA + 0x54321, 16, W));
    assert_int_equal(physical_of(f, 0), 0x81254321);
    assert_true(walk(f, USER_VA, MIB, R));
    assert_int_equal(f->mem.extents->len, 1);
    assert_false(walk(f, USER_VA, 4, X));
    assert_false(walk(f, USER_VA, MIB + 1, R));

    /* A supersection: 16 MiB, physical bits 39:32 in [23:20] and [8:5],
     * repeated in 16 entries; its domain is 0. */
    uint64_t super_va = USER_VA + 16 * MIB;
    uint32_t super = UINT32_C(0x13000000) | (UINT32_C(0x5) << 20) | (UINT32_C(0xa) << 5) |
                     section_ap(7) | S_SUPERSECTION;
    for (unsigned i = 0; i < 16; i++) {
        put(f, short_l1_slot(f, super_va + i * MIB), 4, super);
    }
    assert_true(walk(f, super_va + 0x00abcdef, 8, X));
    assert_int_equal(physical_of(f, 0), UINT64_C(0xa513abcdef));
    assert_false(walk(f, super_va, 1, W));
    f->registers[GP_ARM_DACR] &= ~UINT64_C(3); /* domain 0: no access */
    assert_false(walk(f, super_va, 1, R));
    f->registers[GP_ARM_DACR] |= 1;

    /* A large page: 64 KiB, repeated in 16 second-level entries. */
    uint64_t large_va = USER_VA + 32 * MIB + 0x10000;
    for (unsigned i = 0; i < 16; i++) {
        put(f, short_l2_slot(f, large_va + i * PAGE, 1), 4,
            UINT32_C(0x02340000) | page_ap(2) | S_LARGE | S_LARGE_XN);
    }
    assert_true(walk(f, large_va + 0x1234, 0xe000, R));
    assert_int_equal(physical_of(f, 0), 0x02341234);
    assert_int_equal(physical_of(f, 0xdfff), 0x02341234 + 0xdfff);
    assert_false(walk(f, large_va, 1, W)); /* AP 0b010: PL0 read-only */
    assert_false(walk(f, large_va, 1, X));
    assert_false(walk(f, large_va, 0x10001, R));
    /* Each copy answers for its own 4 KiB, as the MMU indexes them: a copy
     * that disagrees is what the process gets there. */
    put(f, short_l2_slot(f, large_va + 5 * PAGE, 1), 4,
        UINT32_C(0x05670000) | page_ap(3) | S_LARGE);
    assert_true(walk(f, large_va + 4 * PAGE, 2 * PAGE, R));
    assert_int_equal(physical_of(f, 0), 0x02344000);
    assert_int_equal(physical_of(f, PAGE), 0x05675000);
    assert_true(walk(f, large_va + 5 * PAGE, PAGE, W));
    assert_false(walk(f, large_va + 4 * PAGE, 2 * PAGE, W));
    /* The same for a supersection's copies, megabyte by megabyte. */
    put(f, short_l1_slot(f, super_va + 3 * MIB), 4, UINT32_C(0x20000000) | section_ap(3) |
        S_SUPERSECTION);
    assert_true(walk(f, super_va + 3 * MIB - 8, 16, R));
    assert_int_equal(physical_of(f, 0), UINT64_C(0xa5132ffff8));
    assert_int_equal(physical_of(f, 8), UINT64_C(0x20300000));
}

/* AP[2:0] without the Access flag model (SCTLR.AFE = 0), for PL0. */
static void short_full_access_permissions(void **state)
{
    fixture *f = *state;
    static const struct {
        unsigned ap;
        bool read, write;
    } rules[] = { { 0, false, false }, { 1, false, false }, { 2, true, false },
                  { 3, true, true },   { 4, false, false }, { 5, false, false },
                  { 6, true, false },  { 7, true, false } };
    for (size_t i = 0; i < G_N_ELEMENTS(rules); i++) {
        short_map4k(f, USER_VA, 0x7000000, rules[i].ap, 0);
        assert_int_equal(walk(f, USER_VA, 1, R), rules[i].read);
        assert_int_equal(walk(f, USER_VA, 1, W), rules[i].write);
        assert_int_equal(walk(f, USER_VA, 1, X), rules[i].read);
    }
}

/* SCTLR.AFE = 1: AP[0] is the Access flag, AP[2:1] the simple model. */
static void short_access_flag_model(void **state)
{
    fixture *f = *state;
    f->registers[GP_ARM_SCTLR] |= SCTLR_AFE;
    static const struct {
        unsigned ap;
        bool read, write;
    } rules[] = { { 0, false, false }, { 1, false, false }, { 2, false, false },
                  { 3, true, true },   { 4, false, false }, { 5, false, false },
                  { 6, false, false }, { 7, true, false } };
    for (size_t i = 0; i < G_N_ELEMENTS(rules); i++) {
        short_map4k(f, USER_VA, 0x7000000, rules[i].ap, 0);
        assert_int_equal(walk(f, USER_VA, 1, R), rules[i].read);
        assert_int_equal(walk(f, USER_VA, 1, W), rules[i].write);
    }
}

/* DACR: no access and reserved domains fault; a manager domain checks no
 * permission at all, so PL0 gets even the kernel's pages there. */
static void short_domains(void **state)
{
    fixture *f = *state;
    /* Domain 0 and 2 clients, domain 1 as given. */
#define DACR_WITH_DOMAIN_1(access) (UINT64_C(0x11) | (uint64_t)(access) << 2)
    map_user(f, USER_VA, 0x7000000, KERNEL);
    map_user(f, USER_VA + PAGE, 0x7001000, USER_RW);
    f->registers[GP_ARM_DACR] = DACR_WITH_DOMAIN_1(3); /* manager */
    assert_true(walk(f, USER_VA, 2 * PAGE, W));
    assert_true(walk(f, USER_VA, 4, X)); /* XN is a permission too */
    f->registers[GP_ARM_DACR] = DACR_WITH_DOMAIN_1(2); /* reserved */
    assert_false(walk(f, USER_VA + PAGE, 1, R));
    f->registers[GP_ARM_DACR] = DACR_WITH_DOMAIN_1(0); /* no access */
    assert_false(walk(f, USER_VA + PAGE, 1, R));
    assert_int_equal(f->mem.reads, 1); /* refused at the first level */
    f->registers[GP_ARM_DACR] = DACR_WITH_DOMAIN_1(1); /* client */
    assert_true(walk(f, USER_VA + PAGE, 1, W));
    assert_false(walk(f, USER_VA, 1, R));
    /* A section's own domain counts. */
    put(f, short_l1_slot(f, USER_VA + 8 * MIB), 4,
        UINT32_C(0x00800000) | section_ap(3) | S_DOMAIN(2) | S_SECTION);
    assert_true(walk(f, USER_VA + 8 * MIB, 1, R));
    f->registers[GP_ARM_DACR] = UINT64_C(0x5);
    assert_false(walk(f, USER_VA + 8 * MIB, 1, R));
#undef DACR_WITH_DOMAIN_1
}

/* TTBCR.N: TTBR0 translates below 2^(32-N), the rest is TTBR1's; PD0
 * disables TTBR0 walks. */
static void short_ttbcr_n_and_pd0(void **state)
{
    fixture *f = *state;
    map_user(f, 0x7ffff000, 0x7000000, USER_RW);
    assert_true(walk(f, 0x7ffff000, PAGE, R));
    f->registers[GP_ARM_TTBCR] = 1; /* N = 1: an 8 KiB table for the low 2 GiB */
    assert_true(walk(f, 0x7ffff000, PAGE, R));
    assert_false(walk(f, 0x7ffff000, PAGE + 1, R));
    assert_false(walk(f, 0x80000000, 1, R));
    f->registers[GP_ARM_TTBCR] = TTBCR_PD0;
    assert_false(walk(f, 0x7ffff000, 1, R));
}

static void short_address_space_is_the_16k_table(void **state)
{
    fixture *f = *state;
    uint64_t *r = f->registers;
    assert_int_equal(gp_arm_user_paging.address_space(r), f->root);
    r[GP_ARM_TTBR0] = f->root | 0x59; /* other walk attributes */
    assert_int_equal(gp_arm_user_paging.address_space(r), f->root);
    r[GP_ARM_TTBR0] = f->root + 0x4000;
    assert_int_not_equal(gp_arm_user_paging.address_space(r), f->root);
    r[GP_ARM_TTBR0] = f->root + 0x2000;
    assert_int_equal(gp_arm_user_paging.address_space(r), f->root);
    r[GP_ARM_TTBCR] = 1; /* N = 1: 8 KiB aligned */
    assert_int_equal(gp_arm_user_paging.address_space(r), f->root + 0x2000);
}

static void the_walk_reads_the_registers_it_names(void **unused)
{
    (void)unused;
    assert_string_equal(gp_arm_user_paging.registers[GP_ARM_SCTLR], "SCTLR_EL1");
    assert_string_equal(gp_arm_user_paging.registers[GP_ARM_TTBCR], "TTBCR");
    assert_string_equal(gp_arm_user_paging.registers[GP_ARM_TTBR0], "TTBR0");
    assert_string_equal(gp_arm_user_paging.registers[GP_ARM_DACR], "DACR");
}

/* ---- main -------------------------------------------------------------- */

#define T(fn, kind) { #fn " (" #kind ")", fn, setup, teardown, (void *)&kind }
#define BOTH(fn) T(fn, lpae), T(fn, lpae_big_endian), T(fn, short_descriptors), \
                 T(fn, short_big_endian)
#define LONG(fn) T(fn, lpae), T(fn, lpae_big_endian)
#define SHORT(fn) T(fn, short_descriptors), T(fn, short_big_endian)

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(user_read_write_page_allows_both),
        BOTH(read_only_page_allows_reads_only),
        BOTH(kernel_page_allows_nothing),
        BOTH(text_executes_and_needs_read_permission),
        BOTH(wxn_makes_writable_pages_execute_never),
        BOTH(range_across_pages_and_tables_reports_every_piece_in_order),
        BOTH(pages_of_one_table_are_read_in_one_go),
        BOTH(zero_length_wrapping_and_64_bit_ranges_are_refused),
        BOTH(physical_memory_that_does_not_answer_is_refused),
        BOTH(mmu_off_is_the_identity),
        LONG(lpae_access_flag_and_table_restrictions),
        LONG(lpae_clean_writable_page_is_refused_for_writes),
        LONG(lpae_blocks_at_levels_1_and_2),
        LONG(lpae_output_beyond_40_bits_is_refused),
        LONG(lpae_ttbr1_range_and_beyond_t0sz_are_refused),
        LONG(lpae_small_t0sz_starts_at_level_2),
        LONG(lpae_address_space_is_the_32_byte_table),
        SHORT(short_sections_supersections_and_large_pages),
        SHORT(short_full_access_permissions),
        SHORT(short_access_flag_model),
        SHORT(short_domains),
        SHORT(short_ttbcr_n_and_pd0),
        SHORT(short_address_space_is_the_16k_table),
        cmocka_unit_test(the_walk_reads_the_registers_it_names),
    };
    return cmocka_run_group_tests_name("arm_paging", tests, NULL, NULL);
}
