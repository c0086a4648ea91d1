/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The page walk of 32-bit MIPS Linux (mipsel, mips), from what the
 * kernel's own TLB refill handler says. Linux writes that handler at boot
 * (arch/mips/mm/tlbex.c) for the CPU it runs on, at EBase + 0x000; Debian's
 * 4kc-malta kernel on a 24Kf writes these 23 words (read from a running
 * guest; the two marked words vary):
 *
 *   mfc0  k1, Context          lui   k0, %hi(pgd_current)   *
 *   srl   k1, k1, 23           addu  k1, k0, k1             (+ cpu * 4)
 *   mfc0  k0, BadVAddr         lw    k1, %lo(pgd_current)(k1) *
 *   srl   k0, k0, 22           sll   k0, k0, 2               pgd index * 4
 *   addu  k1, k1, k0           mfc0  k0, Context
 *   lw    k1, 0(k1)                                          the PTE table
 *   srl   k0, k0, 1            andi  k0, k0, 0xff8           (va >> 13) * 8
 *   addu  k1, k1, k0           lw k0, 0(k1); lw k1, 4(k1)    the even, odd PTE
 *   srl   k0, k0, 6            mtc0  k0, EntryLo0            EntryLo = PTE >> 6
 *   srl   k1, k1, 6            mtc0  k1, EntryLo1
 *   ehb; tlbwr; eret
 *
 * So: the root of the running process is pgd_current[cpu], a KSEG0 pointer
 * in kernel memory; 1024 4-byte pgd entries by va >> 22, each a KSEG0
 * pointer to 1024 4-byte PTEs by (va >> 12) & 0x3ff; EntryLo = PTE >> 6.
 * Only that exact handler is recognised: any other (16 KiB pages, RIXI's
 * rotr, another PTE shift) leaves memory unreachable rather than guessed.
 */
#include "mips.h"

#define KSEG0 UINT64_C(0x80000000)
#define KSEG2 UINT64_C(0xc0000000)
#define KUSEG_END KSEG0
#define ENTRYLO_SHIFT 6

static const gp_mips_template_word refill[] = {
    { 0x401b2000, ~0u }, { 0x3c1a0000, 0xffff0000 }, { 0x001bddc2, ~0u }, { 0x035bd821, ~0u },
    { 0x401a4000, ~0u }, { 0x8f7b0000, 0xffff0000 }, { 0x001ad582, ~0u }, { 0x001ad080, ~0u },
    { 0x037ad821, ~0u }, { 0x401a2000, ~0u }, { 0x8f7b0000, ~0u }, { 0x001ad042, ~0u },
    { 0x335a0ff8, ~0u }, { 0x037ad821, ~0u }, { 0x8f7a0000, ~0u }, { 0x8f7b0004, ~0u },
    { 0x001ad182, ~0u }, { 0x409a1000, ~0u }, { 0x001bd982, ~0u }, { 0x409b1800, ~0u },
    { 0x000000c0, ~0u }, { 0x42000006, ~0u }, { 0x42000018, ~0u },
};
#define REFILL_WORDS (sizeof refill / sizeof refill[0])

static bool is_kernel_address(uint64_t vaddr)
{
    return vaddr >= KSEG0 && vaddr <= UINT32_MAX;
}

/* KSEG0 (cached) and KSEG1 (uncached) map the low 512 MiB directly. */
static bool kernel_physical(uint64_t vaddr, uint64_t *physical)
{
    if (vaddr < KSEG0 || vaddr >= KSEG2) {
        return false;
    }
    *physical = vaddr & 0x1fffffff;
    return true;
}

static bool is_refill_candidate(uint64_t vaddr)
{
    return is_kernel_address(vaddr) && (vaddr & 0xfff) == 0;
}

static bool recognise(const uint8_t *bytes, size_t length, bool big_endian,
                      gp_kernel_facts *facts)
{
    if (!gp_mips_matches_template(bytes, length, big_endian, refill, REFILL_WORDS)) {
        return false;
    }
    uint32_t high = gp_mips_word(bytes + 4, big_endian) & 0xffff;
    int16_t low = (int16_t)(gp_mips_word(bytes + 20, big_endian) & 0xffff);
    facts->root_pointer = (uint32_t)((high << 16) + (uint32_t)(int32_t)low);
    return is_kernel_address(facts->root_pointer);
}

/* registers[0]: the physical address of the running process's pgd. */
static bool roots(const gp_kernel_facts *facts, unsigned cpu, const gp_physical_memory *memory,
                  bool big_endian, uint64_t *registers)
{
    uint64_t array, pgd, pgd_physical;
    if (!facts->root_pointer || !kernel_physical(facts->root_pointer, &array) ||
        !gp_mips_read_entry(memory, array, cpu, 4, big_endian, &pgd) ||
        !kernel_physical(pgd, &pgd_physical)) {
        return false;
    }
    registers[0] = pgd_physical;
    return true;
}

/* Empty pgd slots point at invalid_pte_table, whose PTEs are 0 (not V). */
static bool lookup(const uint64_t *registers, const gp_physical_memory *memory, uint64_t vaddr,
                   bool big_endian, uint64_t *pte)
{
    uint64_t table, table_physical;
    return gp_mips_read_entry(memory, registers[0], vaddr >> 22, 4, big_endian, &table) &&
           kernel_physical(table, &table_physical) &&
           gp_mips_read_entry(memory, table_physical, (vaddr >> 12) & 0x3ff, 4, big_endian, pte);
}

/* The pgd's physical address: fork gives the child its own, exit frees it. */
static uint64_t address_space(const uint64_t *registers)
{
    return registers[0];
}

/* The walk in one byte order: the tables are read in the CPU's. */
#define MIPS32_PAGING(order, big_endian)                                                     \
    static bool recognise_##order(const uint8_t *bytes, size_t length,                      \
                                  gp_kernel_facts *facts)                                   \
    {                                                                                        \
        return recognise(bytes, length, big_endian, facts);                                  \
    }                                                                                        \
    static bool roots_##order(const gp_kernel_facts *facts, const uint64_t *recorded,        \
                              unsigned cpu, const gp_physical_memory *memory,                \
                              uint64_t *registers)                                           \
    {                                                                                        \
        (void)recorded;                                                                      \
        return roots(facts, cpu, memory, big_endian, registers);                             \
    }                                                                                        \
    static bool lookup_##order(const uint64_t *registers, const gp_physical_memory *memory,  \
                               uint64_t vaddr, uint64_t *pte)                                \
    {                                                                                        \
        return lookup(registers, memory, vaddr, big_endian, pte);                            \
    }                                                                                        \
    static bool translate_##order(const uint64_t *registers, const gp_physical_memory *memory, \
                                  uint64_t vaddr, uint64_t length, gp_access access,         \
                                  gp_physical_extent_fn extent, void *context)               \
    {                                                                                        \
        return gp_mips_translate_user(registers, memory, vaddr, length, access, extent,      \
                                      context, KUSEG_END, ENTRYLO_SHIFT, lookup_##order);    \
    }                                                                                        \
    static const gp_kernel_roots kernel_roots_##order = {                                    \
        .is_kernel_address = is_kernel_address,                                              \
        .kernel_physical = kernel_physical,                                                  \
        .is_refill_candidate = is_refill_candidate,                                          \
        .refill_bytes = REFILL_WORDS * 4,                                                    \
        .recognise_refill = recognise_##order,                                               \
        .roots = roots_##order,                                                              \
    };                                                                                       \
    const gp_user_paging gp_mips32_##order##_user_paging = {                                 \
        .kernel_roots = &kernel_roots_##order,                                               \
        .translate_user = translate_##order,                                                 \
        .address_space = address_space,                                                      \
    };

MIPS32_PAGING(le, false)
MIPS32_PAGING(be, true)
