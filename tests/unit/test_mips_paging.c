/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the MIPS page walks (core/arch/mips32_paging.c,
 * mips64_paging.c) and of how they learn where the tables are: the TLB
 * refill handlers below are the words Debian's 4kc-malta (mipsel, on a
 * 24Kf) and 5kc-malta (mips64el, on MIPS64R2-generic) kernels wrote at
 * EBase, read from running guests. The walk must grant exactly what the
 * TLB would after that handler's refill: V to use a page, D to write it,
 * kuseg or xkuseg only, nothing through a table entry that is not a
 * kernel pointer, no huge pmd (the handler's other path).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <glib.h>

#include "arch/mips.h"
#include "fake_memory.h"

#define PAGE UINT64_C(0x1000)

static const uint32_t mipsel_refill[] = {
    0x401B2000, 0x3C1A8256, 0x001BDDC2, 0x035BD821, 0x401A4000, 0x8F7B27C0, 0x001AD582,
    0x001AD080, 0x037AD821, 0x401A2000, 0x8F7B0000, 0x001AD042, 0x335A0FF8, 0x037AD821,
    0x8F7A0000, 0x8F7B0004, 0x001AD182, 0x409A1000, 0x001BD982, 0x409B1800, 0x000000C0,
    0x42000006, 0x42000018,
};

static const uint32_t mips64el_refill[] = {
    0x403A4000, 0x001ADA3E, 0x1760FFE8, 0x403B2000, 0x7C1BB007, 0x377B0480, 0x003BDAFA,
    0x001AD6FA, 0x335A1FF8, 0x037AD82D, 0x403A4000, 0xDF7B0000, 0x001AD4BA, 0x335A0FF8,
    0x037AD82D, 0xDF7A0000, 0x335A0010, 0x1740FFCE, 0x403AA000, 0xDF7B0000, 0x335A0FF0,
    0x037AD82D, 0xDF7A0000, 0xDF7B0008, 0x001AD23A, 0x40BA1000, 0x001BDA3A, 0x40BB1800,
    0x42000006, 0x42000018,
};

/* WORDS as they sit in memory in one byte order. */
static size_t store_words(const uint32_t *words, size_t count, bool big_endian, uint8_t *out)
{
    for (size_t i = 0; i < count; i++) {
        for (int b = 0; b < 4; b++) {
            out[4 * i + (big_endian ? 3 - b : b)] = (uint8_t)(words[i] >> (8 * b));
        }
    }
    return count * 4;
}

static void the_recorded_handlers_are_recognised(void **unused)
{
    (void)unused;
    uint8_t bytes[256];
    gp_kernel_facts facts;
    const gp_kernel_roots *le = gp_mips32_le_user_paging.kernel_roots;
    const gp_kernel_roots *be = gp_mips32_be_user_paging.kernel_roots;
    const gp_kernel_roots *n64 = gp_mips64_le_user_paging.kernel_roots;

    size_t length = store_words(mipsel_refill, G_N_ELEMENTS(mipsel_refill), false, bytes);
    assert_int_equal(le->refill_bytes, length);
    assert_true(le->recognise_refill(bytes, length, &facts));
    assert_int_equal(facts.root_pointer, 0x825627c0); /* %hi 0x8256 + %lo 0x27c0 */
    assert_false(be->recognise_refill(bytes, length, &facts));
    assert_false(le->recognise_refill(bytes, length - 4, &facts)); /* short */
    store_words(mipsel_refill, G_N_ELEMENTS(mipsel_refill), true, bytes);
    assert_true(be->recognise_refill(bytes, length, &facts));
    assert_int_equal(facts.root_pointer, 0x825627c0);

    /* Another EntryLo shift (a kernel with RIXI or 64-bit PTEs) is not
     * guessed at: every word but the two immediates must be exact. */
    uint32_t changed[G_N_ELEMENTS(mipsel_refill)];
    for (size_t i = 0; i < G_N_ELEMENTS(changed); i++) {
        memcpy(changed, mipsel_refill, sizeof changed);
        changed[i] ^= 0x00000040;
        store_words(changed, G_N_ELEMENTS(changed), false, bytes);
        assert_int_equal(le->recognise_refill(bytes, length, &facts), i == 1 || i == 5);
    }

    length = store_words(mips64el_refill, G_N_ELEMENTS(mips64el_refill), false, bytes);
    assert_int_equal(n64->refill_bytes, length);
    assert_true(n64->recognise_refill(bytes, length, &facts));
    assert_false(le->recognise_refill(bytes, length, &facts));
    uint32_t wide[G_N_ELEMENTS(mips64el_refill)];
    memcpy(wide, mips64el_refill, sizeof wide);
    wide[24] = 0x001AD1BA; /* dsrl k0, k0, 6: another PTE layout */
    store_words(wide, G_N_ELEMENTS(wide), false, bytes);
    assert_false(n64->recognise_refill(bytes, length, &facts));

    /* Vectors: EBase + 0 (32-bit refill) and EBase + 0x80 (XTLB refill),
     * in kernel segments only. */
    assert_true(le->is_refill_candidate(0x80342000));
    assert_false(le->is_refill_candidate(0x00342000));
    assert_false(le->is_refill_candidate(0x80342080));
    assert_true(n64->is_refill_candidate(UINT64_C(0xffffffff80504080)));
    assert_false(n64->is_refill_candidate(UINT64_C(0x0000000080504080)));
}

/* Only the kernel's dmtc0 to Context is a root write. */
static void root_writes_are_dmtc0_to_context(void **unused)
{
    (void)unused;
    const gp_kernel_roots *n64 = gp_mips64_le_user_paging.kernel_roots;
    uint8_t bytes[4];
    store_words((const uint32_t[]){ 0x40a42000 }, 1, false, bytes); /* dmtc0 a0, Context */
    assert_string_equal(n64->root_write_source(bytes), "a0");
    store_words((const uint32_t[]){ 0x40a52000 }, 1, false, bytes); /* dmtc0 a1, Context */
    assert_string_equal(n64->root_write_source(bytes), "a1");
    store_words((const uint32_t[]){ 0x40842000 }, 1, false, bytes); /* mtc0 a0, Context */
    assert_null(n64->root_write_source(bytes));
    store_words((const uint32_t[]){ 0x40a45000 }, 1, false, bytes); /* dmtc0 a0, EntryHi */
    assert_null(n64->root_write_source(bytes));
    store_words((const uint32_t[]){ 0x40a42001 }, 1, false, bytes); /* dmtc0 a0, $4, 1 */
    assert_null(n64->root_write_source(bytes));
    assert_null(gp_mips32_le_user_paging.kernel_roots->root_write_source);
}

/* 32-bit: pgd_current[cpu] -> pgd (KSEG0) -> PTE table (KSEG0) -> PTE. */
#define KSEG0(pa) (UINT64_C(0x80000000) | (pa))
#define PTE32(pa, bits) ((((pa) >> 12) << 12) | ((uint64_t)(bits) << 6))
#define V 2u
#define D 4u
#define ROOT_ARRAY UINT64_C(0x3f0000)

typedef struct mips32_setup {
    fake_memory m;
    uint64_t registers[GP_PAGING_REGISTERS];
} mips32_setup;

static void build_mips32(mips32_setup *s, bool big_endian)
{
    fake_memory_init(&s->m);
    s->m.big_endian = big_endian;
    uint64_t pgd = fake_memory_table(&s->m, PAGE);
    uint64_t pte = fake_memory_table(&s->m, PAGE);
    fake_memory_put(&s->m, ROOT_ARRAY + 4, 4, KSEG0(pgd)); /* cpu 1's */
    fake_memory_put(&s->m, pgd + (0x00400000 >> 22) * 4, 4, KSEG0(pte));
    fake_memory_put(&s->m, pte + 0 * 4, 4, PTE32(0x200000, V | D));   /* 0x400000 rw */
    fake_memory_put(&s->m, pte + 1 * 4, 4, PTE32(0x201000, V));       /* 0x401000 ro */
    fake_memory_put(&s->m, pte + 2 * 4, 4, PTE32(0x202000, D));       /* 0x402000 not V */
    fake_memory_put(&s->m, pte + 3 * 4, 4, PTE32(0x2a3000, V | D));   /* 0x403000 rw */
    /* A pgd slot that is no kernel pointer (a user address) is no table. */
    fake_memory_put(&s->m, pgd + (0x00800000 >> 22) * 4, 4, pte);
}

static void mips32_walk(bool big_endian)
{
    mips32_setup s;
    build_mips32(&s, big_endian);
    const gp_user_paging *paging = big_endian ? &gp_mips32_be_user_paging
                                              : &gp_mips32_le_user_paging;
    gp_kernel_facts facts = { .root_pointer = KSEG0(ROOT_ARRAY) };
    gp_physical_memory memory = { fake_memory_read, &s.m };
    assert_true(paging->kernel_roots->roots(&facts, NULL, 1, &memory, s.registers));
    assert_int_equal(s.registers[0], FAKE_MEMORY_FIRST_TABLE);
    assert_int_equal(paging->address_space(s.registers), FAKE_MEMORY_FIRST_TABLE);
    /* cpu 0's slot is empty: no root */
    assert_false(paging->kernel_roots->roots(&facts, NULL, 0, &memory, s.registers));
    facts.root_pointer = 0;
    assert_false(paging->kernel_roots->roots(&facts, NULL, 1, &memory, s.registers));
    s.registers[0] = FAKE_MEMORY_FIRST_TABLE;

    assert_true(fake_memory_walk(&s.m, paging, s.registers, 0x400ff0, 0x20, GP_ACCESS_WRITE) ==
                false); /* into the read-only page */
    assert_true(fake_memory_walk(&s.m, paging, s.registers, 0x400ff0, 0x20, GP_ACCESS_READ));
    assert_int_equal(fake_memory_physical_of(&s.m, 0), 0x200ff0);
    assert_int_equal(fake_memory_physical_of(&s.m, 0x10), 0x201000);
    assert_true(fake_memory_walk(&s.m, paging, s.registers, 0x400000, PAGE, GP_ACCESS_WRITE));
    assert_true(fake_memory_walk(&s.m, paging, s.registers, 0x401000, 8, GP_ACCESS_EXECUTE));
    assert_false(fake_memory_walk(&s.m, paging, s.registers, 0x402000, 1, GP_ACCESS_READ));
    assert_false(fake_memory_walk(&s.m, paging, s.registers, 0x401ff0, 0x20, GP_ACCESS_READ));
    assert_true(fake_memory_walk(&s.m, paging, s.registers, 0x403000, 4, GP_ACCESS_WRITE));
    assert_int_equal(fake_memory_physical_of(&s.m, 0), 0x2a3000);
    assert_false(fake_memory_walk(&s.m, paging, s.registers, 0x404000, 1, GP_ACCESS_READ));
    assert_false(fake_memory_walk(&s.m, paging, s.registers, 0x800000, 1, GP_ACCESS_READ));
    /* Kernel segments never, nor a range that runs into one. */
    assert_false(fake_memory_walk(&s.m, paging, s.registers, 0x80400000, 1, GP_ACCESS_READ));
    assert_false(fake_memory_walk(&s.m, paging, s.registers, 0x7ffffff0, 0x20, GP_ACCESS_READ));
    assert_false(fake_memory_walk(&s.m, paging, s.registers, 0xffffffff00400000, 1,
                                  GP_ACCESS_READ));
    fake_memory_free(&s.m);
}

static void mips32_little_endian(void **unused)
{
    (void)unused;
    mips32_walk(false);
}

static void mips32_big_endian(void **unused)
{
    (void)unused;
    mips32_walk(true);
}

/* 64-bit: Context (pgd_pa << 11, BadVPN2 below bit 23) -> pgd -> pmd ->
 * PTE table, 8-byte entries, kernel pointers in XKPHYS or CKSEG0,
 * EntryLo = PTE >> 8. */
#define XKPHYS(pa) (UINT64_C(0x9800000000000000) | (pa))
#define CKSEG0(pa) (UINT64_C(0xffffffff80000000) | (pa))
#define PTE64(pa, bits) ((((pa) >> 12) << 14) | ((uint64_t)(bits) << 8))
#define HUGE UINT64_C(0x10)
#define VA64 UINT64_C(0x00fff0400000) /* pgd 1023, pmd 130, pte 0 */

static void mips64_walk(void **unused)
{
    (void)unused;
    fake_memory m;
    fake_memory_init(&m);
    uint64_t pgd = fake_memory_table(&m, 2 * PAGE);
    uint64_t pmd = fake_memory_table(&m, PAGE);
    uint64_t pte = fake_memory_table(&m, PAGE);
    fake_memory_put(&m, pgd + ((VA64 >> 30) & 1023) * 8, 8, XKPHYS(pmd));
    fake_memory_put(&m, pmd + ((VA64 >> 21) & 511) * 8, 8, CKSEG0(pte));
    fake_memory_put(&m, pmd + (((VA64 >> 21) + 1) & 511) * 8, 8, PTE64(0x200000, V | D) | HUGE);
    fake_memory_put(&m, pte + 0 * 8, 8, PTE64(0x300000, V | D));
    fake_memory_put(&m, pte + 1 * 8, 8, PTE64(0x301000, V));

    const gp_user_paging *paging = &gp_mips64_le_user_paging;
    gp_kernel_facts facts = { 0 };
    gp_physical_memory memory = { fake_memory_read, &m };
    uint64_t registers[GP_PAGING_REGISTERS] = { 0 };
    uint64_t context = (pgd << 11) | 0x12340; /* BadVPN2 bits are the hardware's */
    assert_false(paging->kernel_roots->roots(&facts, NULL, 0, &memory, registers));
    assert_true(paging->kernel_roots->roots(&facts, &context, 0, &memory, registers));
    assert_int_equal(registers[0], pgd);
    /* The value measured on a guest: Context 0x1b51000000 is pgd 0x36a2000. */
    uint64_t measured = UINT64_C(0x1b51000000);
    uint64_t measured_registers[GP_PAGING_REGISTERS];
    assert_true(paging->kernel_roots->roots(&facts, &measured, 0, &memory, measured_registers));
    assert_int_equal(measured_registers[0], 0x36a2000);

    assert_true(fake_memory_walk(&m, paging, registers, VA64 + 0xff8, 0x10, GP_ACCESS_READ));
    assert_int_equal(fake_memory_physical_of(&m, 0), 0x300ff8);
    assert_int_equal(fake_memory_physical_of(&m, 8), 0x301000);
    assert_false(fake_memory_walk(&m, paging, registers, VA64 + 0xff8, 0x10, GP_ACCESS_WRITE));
    assert_true(fake_memory_walk(&m, paging, registers, VA64, PAGE, GP_ACCESS_WRITE));
    assert_false(fake_memory_walk(&m, paging, registers, VA64 + 2 * PAGE, 1, GP_ACCESS_READ));
    /* A huge pmd takes the handler's other path: refused, not guessed. */
    assert_false(fake_memory_walk(&m, paging, registers, VA64 + (UINT64_C(1) << 21), 1,
                                  GP_ACCESS_READ));
    /* xkuseg ends at 2^40; sign-extended o32 kernel pointers are kernel. */
    assert_false(fake_memory_walk(&m, paging, registers, UINT64_C(1) << 40, 1, GP_ACCESS_READ));
    assert_false(fake_memory_walk(&m, paging, registers, CKSEG0(0x300000), 1, GP_ACCESS_READ));
    /* A pgd entry that is no kernel pointer is no table. */
    fake_memory_put(&m, pgd + ((VA64 >> 30) & 1023) * 8, 8, pmd);
    assert_false(fake_memory_walk(&m, paging, registers, VA64, 1, GP_ACCESS_READ));
    fake_memory_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_recorded_handlers_are_recognised),
        cmocka_unit_test(root_writes_are_dmtc0_to_context),
        cmocka_unit_test(mips32_little_endian),
        cmocka_unit_test(mips32_big_endian),
        cmocka_unit_test(mips64_walk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
