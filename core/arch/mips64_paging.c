/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The page walk of 64-bit MIPS Linux (mips64el), from what the kernel's
 * own XTLB refill handler says. Debian's 5kc-malta kernel
 * (CONFIG_MIPS_PGD_C0_CONTEXT) on MIPS64R2-generic writes these 30 words
 * at EBase + 0x080 (read from a running guest; the branch offsets vary):
 *
 *   dmfc0 k0, BadVAddr        dsrl32 k1, k0, 8     user va < 2^40, else
 *   bnez  k1, vmalloc         dmfc0 k1, Context    the kernel's path
 *   dins  k1, zero, 0, 23     ori   k1, k1, 0x480
 *   drotr k1, k1, 11                               k1 = the pgd (XKPHYS)
 *   dsrl  k0, k0, 27          andi  k0, k0, 0x1ff8 (va >> 30) * 8
 *   daddu k1, k1, k0          dmfc0 k0, BadVAddr
 *   ld    k1, 0(k1)                                the pmd
 *   dsrl  k0, k0, 18          andi  k0, k0, 0xff8  ((va >> 21) & 511) * 8
 *   daddu k1, k1, k0          ld    k0, 0(k1)
 *   andi  k0, k0, 0x10        bnez  k0, huge       _PAGE_HUGE: 2 MiB page
 *   dmfc0 k0, XContext        ld    k1, 0(k1)      the PTE table
 *   andi  k0, k0, 0xff0       daddu k1, k1, k0     ((va >> 13) & 255) * 16
 *   ld k0, 0(k1); ld k1, 8(k1)                     the even, odd PTE
 *   dsrl  k0, k0, 8           dmtc0 k0, EntryLo0   EntryLo = PTE >> 8
 *   dsrl  k1, k1, 8           dmtc0 k1, EntryLo1
 *   tlbwr; eret
 *
 * So the root lives only in CP0 Context, as pgd_pa << 11 above bit 23,
 * which QEMU does not expose: kernel_watch.c records what the kernel's
 * `dmtc0 rt, Context` (tlbmiss_handler_setup_pgd, at each switch_mm)
 * writes. Three levels of 8-byte entries, 1024, 512 and 512 of them; the
 * upper levels hold kernel pointers (XKPHYS or CKSEG0). A huge pmd (2 MiB
 * transparent huge page) goes another way in the handler, which this walk
 * does not follow: such pages are refused (docs/security.md).
 */
#include "mips.h"

#define XUSEG_END (UINT64_C(1) << 40)
#define CKSEG0 UINT64_C(0xffffffff80000000)
#define CKSEG2 UINT64_C(0xffffffffc0000000)
#define XKPHYS_PHYSICAL_MASK ((UINT64_C(1) << 40) - 1)
#define ENTRYLO_SHIFT 8
#define PAGE_HUGE UINT64_C(0x10)
/* Context below bit 23 is BadVPN2, the hardware's. */
#define CONTEXT_PGD_MASK (~((UINT64_C(1) << 23) - 1))
#define CONTEXT_PGD_SHIFT 11

static const gp_mips_template_word refill[] = {
    { 0x403a4000, ~0u }, { 0x001ada3e, ~0u }, { 0x17600000, 0xffff0000 }, { 0x403b2000, ~0u },
    { 0x7c1bb007, ~0u }, { 0x377b0480, ~0u }, { 0x003bdafa, ~0u }, { 0x001ad6fa, ~0u },
    { 0x335a1ff8, ~0u }, { 0x037ad82d, ~0u }, { 0x403a4000, ~0u }, { 0xdf7b0000, ~0u },
    { 0x001ad4ba, ~0u }, { 0x335a0ff8, ~0u }, { 0x037ad82d, ~0u }, { 0xdf7a0000, ~0u },
    { 0x335a0010, ~0u }, { 0x17400000, 0xffff0000 }, { 0x403aa000, ~0u }, { 0xdf7b0000, ~0u },
    { 0x335a0ff0, ~0u }, { 0x037ad82d, ~0u }, { 0xdf7a0000, ~0u }, { 0xdf7b0008, ~0u },
    { 0x001ad23a, ~0u }, { 0x40ba1000, ~0u }, { 0x001bda3a, ~0u }, { 0x40bb1800, ~0u },
    { 0x42000006, ~0u }, { 0x42000018, ~0u },
};
#define REFILL_WORDS (sizeof refill / sizeof refill[0])

/* xsseg and up: supervisor and kernel segments, which user code cannot
 * run (Linux runs nothing in supervisor mode). */
static bool is_kernel_address(uint64_t vaddr)
{
    return vaddr >= (UINT64_C(1) << 62);
}

/* CKSEG0 and CKSEG1 map the low 512 MiB; XKPHYS (top bits 10) all of it. */
static bool kernel_physical(uint64_t vaddr, uint64_t *physical)
{
    if (vaddr >= CKSEG0 && vaddr < CKSEG2) {
        *physical = vaddr & 0x1fffffff;
        return true;
    }
    if (vaddr >> 62 == 2 && (vaddr & ~XKPHYS_PHYSICAL_MASK & ((UINT64_C(1) << 59) - 1)) == 0) {
        *physical = vaddr & XKPHYS_PHYSICAL_MASK;
        return true;
    }
    return false;
}

static bool is_refill_candidate(uint64_t vaddr)
{
    return is_kernel_address(vaddr) && (vaddr & 0xfff) == 0x080;
}

static bool recognise(const uint8_t *bytes, size_t length, gp_kernel_facts *facts)
{
    facts->root_pointer = 0; /* the root is in Context, not in memory */
    return gp_mips_matches_template(bytes, length, false, refill, REFILL_WORDS);
}

/* `dmtc0 rt, $4, 0`: COP0, DMT (rs 5), rd 4 (Context), sel 0. */
static const char *root_write_source(const uint8_t *bytes)
{
    uint32_t word = gp_mips_word(bytes, false);
    return (word & 0xffe0ffff) == 0x40a02000 ? gp_mips_gpr_name((word >> 16) & 31) : NULL;
}

/* registers[0]: the pgd's physical address, as the handler's dins, ori
 * and drotr make it of Context (the ori's bits become XKPHYS's). */
static bool roots(const gp_kernel_facts *facts, const uint64_t *recorded, unsigned cpu,
                  const gp_physical_memory *memory, uint64_t *registers)
{
    (void)facts;
    (void)cpu;
    (void)memory;
    if (!recorded) {
        return false;
    }
    registers[0] = ((*recorded & CONTEXT_PGD_MASK) >> CONTEXT_PGD_SHIFT) & XKPHYS_PHYSICAL_MASK;
    return registers[0] != 0;
}

static bool next_level(const gp_physical_memory *memory, uint64_t table, uint64_t index,
                       uint64_t *next)
{
    uint64_t entry;
    return gp_mips_read_entry(memory, table, index, 8, false, &entry) &&
           kernel_physical(entry, next);
}

static bool lookup(const uint64_t *registers, const gp_physical_memory *memory, uint64_t vaddr,
                   uint64_t *pte)
{
    uint64_t pmd_table, pmd, pte_table;
    if (!next_level(memory, registers[0], (vaddr >> 30) & 1023, &pmd_table) ||
        !gp_mips_read_entry(memory, pmd_table, (vaddr >> 21) & 511, 8, false, &pmd) ||
        (pmd & PAGE_HUGE) || !kernel_physical(pmd, &pte_table)) {
        return false;
    }
    return gp_mips_read_entry(memory, pte_table, (vaddr >> 12) & 511, 8, false, pte);
}

static bool translate(const uint64_t *registers, const gp_physical_memory *memory,
                      uint64_t vaddr, uint64_t length, gp_access access,
                      gp_physical_extent_fn extent, void *context)
{
    return gp_mips_translate_user(registers, memory, vaddr, length, access, extent, context,
                                  XUSEG_END, ENTRYLO_SHIFT, lookup);
}

static uint64_t address_space(const uint64_t *registers)
{
    return registers[0];
}

static const gp_kernel_roots kernel_roots = {
    .is_kernel_address = is_kernel_address,
    .kernel_physical = kernel_physical,
    .is_refill_candidate = is_refill_candidate,
    .refill_bytes = REFILL_WORDS * 4,
    .recognise_refill = recognise,
    .root_write_source = root_write_source,
    /* After dmfc0 k1, Context in bnez's delay slot (words 2 and 3): the
     * user-address path goes on at word 4 with Context in k1. */
    .refill_root_offset = 16,
    .refill_root_register = "k1",
    .roots = roots,
};

const gp_user_paging gp_mips64_le_user_paging = {
    .kernel_roots = &kernel_roots,
    .translate_user = translate,
    .address_space = address_space,
};
