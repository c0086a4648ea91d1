/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the MIPS family's files share (mips.c): the trap, the registers
 * QEMU does not list, the mode test and the delay-slot test. mips_o32.c
 * (mipsel, mips) and mips_n64.c (mips64el) each include their own ABI's
 * header; the page walks are mips32_paging.c and mips64_paging.c.
 */
#ifndef GP_CORE_ARCH_MIPS_H
#define GP_CORE_ARCH_MIPS_H

#include "arch.h"

/* An instruction word in the guest's byte order. */
static inline uint32_t gp_mips_word(const uint8_t *bytes, bool big_endian)
{
    return big_endian ? (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 |
                            (uint32_t)bytes[2] << 8 | bytes[3]
                      : (uint32_t)bytes[3] << 24 | (uint32_t)bytes[2] << 16 |
                            (uint32_t)bytes[1] << 8 | bytes[0];
}

extern const gp_forged_registers gp_mips_registers;

/*
 * The guest's timers can stall for one CP0 Count wrap, 2^32 ticks at
 * malta's 160 MHz = 26.8 s: measured on mipsel under hypercall floods
 * (hostile_channels.sh: 9 of 88 runs took 27-28 s longer, 3 of them with a
 * sleeping daemon's PONG), with the guest's clockevent never giving up
 * (min_delta_ns unchanged). QEMU's CP0 timer re-arms a full wrap out when
 * it finds Compare at or behind Count, which fits; the race itself is not
 * pinned down (docs/mips-porting.md).
 */
#define GP_MIPS_TIMER_STALL_MS 30000u

gp_trap_kind gp_mips_match_trap_le(const uint8_t *bytes, size_t length, uint64_t vaddr,
                                   uint64_t *resume_pc);
gp_trap_kind gp_mips_match_trap_be(const uint8_t *bytes, size_t length, uint64_t vaddr,
                                   uint64_t *resume_pc);
bool gp_mips_in_delay_slot_le(const uint8_t *previous);
bool gp_mips_in_delay_slot_be(const uint8_t *previous);
bool gp_mips_is_user_mode(uint64_t status);

/* The name of general-purpose register N (0-31), as the forged list has it. */
const char *gp_mips_gpr_name(unsigned n);

/* MIPS errno numbers differ from the host's above 34 (from the guest's
 * asm/errno.h, the same for o32 and n64). */
const char *gp_mips_errno_name(int value);
int gp_mips_errno_to_host(int value);

/* The registers a system call may change besides v0 and a3 (the kernel
 * saves only $0, $2-$7, $25, $28, $29 and $31; on 64-bit also $8, $9),
 * measured across getpid, close and sched_yield: at, $8-$15, t8, hi, lo. */
#define GP_MIPS_CLOBBERED                                                                   \
    { "at", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "t8", "hi", "lo" }

/* The trap is `movz $0, $0, $0`, in every byte order and ABI. */
#define GP_MIPS_TRAP_WORD UINT32_C(0x0000000a)

extern const gp_user_paging gp_mips32_le_user_paging, gp_mips32_be_user_paging,
    gp_mips64_le_user_paging;

#endif

/* One word of a recognised handler: the bits of MASK must equal VALUE. */
typedef struct gp_mips_template_word {
    uint32_t value, mask;
} gp_mips_template_word;

/* Do BYTES hold exactly the COUNT words of TEMPLATE? */
bool gp_mips_matches_template(const uint8_t *bytes, size_t length, bool big_endian,
                              const gp_mips_template_word *template, size_t count);

/*
 * The TLB's verdict on the PTE a refill would load for the 4 KiB page at
 * VADDR: LOOKUP finds that PTE through the tables from REGISTERS (false:
 * no table entry), and the refill shifts it right by ENTRYLO_SHIFT into
 * EntryLo, where V (bit 1) makes the page usable and D (bit 2) writable.
 * Execute is read: these CPUs have no RI/XI bits. Only below USER_LIMIT
 * (kuseg or xkuseg): the kernel segments never are a process's memory.
 */
typedef bool (*gp_mips_pte_lookup)(const uint64_t *registers, const gp_physical_memory *memory,
                                   uint64_t vaddr, uint64_t *pte);
bool gp_mips_translate_user(const uint64_t *registers, const gp_physical_memory *memory,
                            uint64_t vaddr, uint64_t length, gp_access access,
                            gp_physical_extent_fn extent, void *context, uint64_t user_limit,
                            unsigned entrylo_shift, gp_mips_pte_lookup lookup);

/* Entry INDEX (of ENTRY_BYTES) of the table at physical TABLE. */
bool gp_mips_read_entry(const gp_physical_memory *memory, uint64_t table, uint64_t index,
                        unsigned entry_bytes, bool big_endian, uint64_t *entry);
