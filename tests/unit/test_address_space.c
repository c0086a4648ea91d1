/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 address-space identity (gp_x86_user_paging.address_space): what
 * channels belong to. It must be the same for every hypercall of one
 * process (so the PCID Linux gives a process per CPU, and cr3's flag bits,
 * do not count) and differ between processes (so a legacy PAE PDPT's
 * address counts down to its 32-byte alignment: Linux packs several in one
 * page).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "arch/x86_paging.h"

#define CR0_PG (UINT64_C(1) << 31)
#define CR4_PAE (UINT64_C(1) << 5)
#define CR4_PCIDE (UINT64_C(1) << 17)
#define EFER_LMA (UINT64_C(1) << 10)

static uint64_t space_of(uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer)
{
    uint64_t registers[GP_PAGING_REGISTERS] = { 0 };
    registers[GP_X86_CR0] = cr0;
    registers[GP_X86_CR3] = cr3;
    registers[GP_X86_CR4] = cr4;
    registers[GP_X86_EFER] = efer;
    return gp_x86_user_paging.address_space(registers);
}

static void long_mode_ignores_pcid_and_flags(void **unused)
{
    (void)unused;
    uint64_t cr0 = CR0_PG, cr4 = CR4_PAE | CR4_PCIDE, efer = EFER_LMA;
    uint64_t pgd = UINT64_C(0x12344000); /* bit 12 clear, as a KPTI kernel root */
    assert_int_equal(space_of(cr0, pgd, cr4, efer), pgd);
    assert_int_equal(space_of(cr0, pgd | 0x801, cr4, efer), pgd);       /* a PCID */
    assert_int_equal(space_of(cr0, pgd | 0x018, cr4 & ~CR4_PCIDE, efer), pgd); /* PWT, PCD */
    assert_int_equal(space_of(cr0, pgd | UINT64_C(1) << 63, cr4, efer), pgd); /* no-flush */
    /* KPTI's user page tables are the next page: another root, kept apart. */
    assert_int_not_equal(space_of(cr0, pgd | 0x1000, cr4, efer), pgd);
    assert_int_not_equal(space_of(cr0, pgd + 0x2000, cr4, efer), pgd);
}

static void legacy_pae_counts_down_to_32_bytes(void **unused)
{
    (void)unused;
    uint64_t cr0 = CR0_PG, cr4 = CR4_PAE;
    assert_int_equal(space_of(cr0, 0x1234fe0, cr4, 0), 0x1234fe0);
    assert_int_not_equal(space_of(cr0, 0x1234fc0, cr4, 0), space_of(cr0, 0x1234fe0, cr4, 0));
    assert_int_equal(space_of(cr0, 0x1234fe0 | 0x18, cr4, 0), 0x1234fe0); /* PWT, PCD */
}

static void two_level_and_paging_off(void **unused)
{
    (void)unused;
    assert_int_equal(space_of(CR0_PG, 0x00abc018, 0, 0), 0x00abc000);
    assert_int_not_equal(space_of(CR0_PG, 0x00abd000, 0, 0), 0x00abc000);
    /* Without paging there is one address space, whatever cr3 holds. */
    assert_int_equal(space_of(0, 0x00abc000, 0, 0), space_of(0, 0x00def000, 0, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(long_mode_ignores_pcid_and_flags),
        cmocka_unit_test(legacy_pae_counts_down_to_32_bytes),
        cmocka_unit_test(two_level_and_paging_off),
    };
    return cmocka_run_group_tests_name("address_space", tests, NULL, NULL);
}
