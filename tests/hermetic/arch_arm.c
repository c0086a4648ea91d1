/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The arm part of the hermetic hypercall test (hermetic_arch.h), for both
 * programs: built -marm every trap below is A32, built -mthumb it is
 * Thumb-2, so the two runs cover both instruction sets and both forms of
 * each trap. The console is the virt machine's (virt.c). The MMU stays
 * off, where the core takes every address as its own physical address
 * (core/arch/arm_paging.c): the memory checks are those of untranslated
 * addresses, where only the absence of RAM makes the host refuse, and there
 * are no page protections to check (the unit tests and in-VM suites cover
 * the arm page walks).
 *
 * Registers: magic r0, op r1, channel r2, arg1 r3, arg2 r4, result in r0.
 *
 *   ours     A32: orr r4, r4, r4 (0xe1844004); Thumb: mov r4, r4 (0x4624)
 *   PANDA's  mcr p7, 0, r0, c0, c0, 0 (A32 0xee000710, Thumb ee00 0710):
 *            UNDEFINED upstream, so the host must skip it with set_pc
 *            (in Thumb, at an address with bit 0 set)
 *
 * The trap checks are those of aarch64 too (virt.c), with the probes and
 * names below. An UNDEFINED instruction the program runs on purpose
 * (PANDA's form without MAGIC) is taken by arm_boot.S's vectors and resumed
 * after by hermetic_exception() below; any other exception ends the run
 * with a line saying where, and QEMU status 109.
 */
#include <stdbool.h>
#include <stdint.h>

#include "checks.h"
#include "virt.h"

/* Written as encodings where the host matches bytes, so that no assembler
 * picks another form of the same instruction. */
#if defined(__thumb__)
const char hermetic_ours_name[] = "mov";
#define OURS_TRAP ".inst.n 0x4624" /* mov r4, r4 */
/* Near miss: the 32-bit encoding of the same move. */
#define OURS_NEAR_MISS ".inst.w 0xea4f0404" /* mov.w r4, r4 */
#define OURS_NEAR_MISS_TEXT "mov.w r4, r4 (32-bit encoding) with MAGIC changes nothing"
/* An instruction's halfwords as the program reads them back: first
 * halfword in the high half. */
#define PANDA_TRAP_WORD 0xee000710u
#define PANDA_NEAR_MISS_WORD 0xee000730u
#else
const char hermetic_ours_name[] = "orr";
#define OURS_TRAP ".inst 0xe1844004" /* orr r4, r4, r4 */
/* Near miss: another encoding of the same move. */
#define OURS_NEAR_MISS ".inst 0xe1a04004" /* mov r4, r4 */
#define OURS_NEAR_MISS_TEXT "mov r4, r4 (not orr) with MAGIC changes nothing"
#define PANDA_TRAP_WORD 0xee000710u
#define PANDA_NEAR_MISS_WORD 0xee000730u
#endif
#define PANDA_TRAP "mcr p7, 0, r0, c0, c0, 0"
/* One bit off (opc2 = 1): a coprocessor access just as UNDEFINED. */
#define PANDA_NEAR_MISS "mcr p7, 0, r0, c0, c0, 1"

const char hermetic_panda_name[] = "mcr";
const char hermetic_panda_kept_check[] = "every mcr hypercall skipped the mcr (r1..r4 kept)";

/* The probes (virt.h), with the hypercall registers r0..r4; N turns into
 * all ones, or 0 (the IT block is for Thumb; A32 has the conditions in the
 * instructions). */
#define VIRT_REG(n) "r" #n
VIRT_PROBES(OURS_TRAP, PANDA_TRAP, OURS_NEAR_MISS, PANDA_NEAR_MISS,
            "ite mi\n\t"
            "mvnmi %[f], #0\n\t"
            "movpl %[f], #0")

#if !defined(__thumb__)
/* A32 `mov r4, r4, lsr #12` (0xe1a04624): its low halfword is Thumb's
 * trap, which the host must not see in A32 code. With r4 = 0 it changes
 * nothing. */
VIRT_RAW_PROBE(thumb_bytes_in_a32_raw, ".inst 0xe1a04624")

static void thumb_trap_in_a32_checks(void)
{
    regs zero_r4 = { GP_MAGIC, GP_OP_START, 0x11, 0x22, 0 };
    EXPECT_TRUE("A32 mov r4, r4, lsr #12 (low half 0x4624, Thumb's trap) with MAGIC is none",
                regs_equal(thumb_bytes_in_a32_raw(zero_r4), zero_r4), zero_r4.magic);
}
#define MORE_OURS_CHECKS thumb_trap_in_a32_checks
#else
#define MORE_OURS_CHECKS NULL
#endif

/* What else the shared trap checks need (virt.c). */
const virt_traps virt_arch_traps = {
    .panda_word = PANDA_TRAP_WORD,
    .panda_near_miss_word = PANDA_NEAR_MISS_WORD,
    .magic_low_half = NULL, /* 32-bit registers */
    .ours_near_miss_check = OURS_NEAR_MISS_TEXT,
    .panda_near_miss_check =
        "mcr p7, 0, r0, c0, c0, 1 (one bit off) with MAGIC is UNDEFINED, no hypercall",
    .more_ours_checks = MORE_OURS_CHECKS,
};

/* ---- exceptions ---- */

#define VECTOR_UNDEFINED 1
#define VECTOR_PREFETCH_ABORT 3
#define VECTOR_DATA_ABORT 4
#define CPSR_T (1u << 5)
/* The saved frame (arm_boot.S): r0..r12, then lr. */
#define FRAME_LR 13

/* The instruction at ADDRESS as the handler compares it: an A32 word, or
 * a 32-bit Thumb instruction's halfwords with the first in the high half
 * (read as halfwords: a Thumb instruction need not be word aligned, and
 * with the MMU off an unaligned access faults). */
static uint32_t instruction_at(reg address, bool thumb)
{
    if (thumb) {
        volatile const uint16_t *half = (volatile const uint16_t *)address;
        return (uint32_t)half[0] << 16 | half[1];
    }
    return *(volatile const uint32_t *)address;
}

reg hermetic_exception(unsigned kind, reg spsr, reg *frame); /* arm_boot.S */

reg hermetic_exception(unsigned kind, reg spsr, reg *frame)
{
    bool thumb = spsr & CPSR_T;
    if (kind == VECTOR_UNDEFINED && virt_undefined_expected()) {
        /* lr is the instruction's address + 4 in A32, + 2 in Thumb; every
         * instruction expected here is 4 bytes long. */
        reg address = frame[FRAME_LR] - (thumb ? 2 : 4);
        virt_undefined_taken(instruction_at(address, thumb));
        frame[FRAME_LR] = address + 4;
        return 0;
    }
    reg status = 0, fault_address = 0;
    if (kind == VECTOR_DATA_ABORT) {
        __asm__ volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(status));        /* DFSR */
        __asm__ volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(fault_address)); /* DFAR */
    } else if (kind == VECTOR_PREFETCH_ABORT) {
        __asm__ volatile("mrc p15, 0, %0, c5, c0, 1" : "=r"(status));        /* IFSR */
        __asm__ volatile("mrc p15, 0, %0, c6, c0, 2" : "=r"(fault_address)); /* IFAR */
    }
    const virt_value values[] = {
        { "SPSR", spsr }, { "lr", frame[FRAME_LR] }, { "FSR", status }, { "FAR", fault_address }
    };
    return virt_unexpected_exception(kind, values, sizeof values / sizeof values[0], frame);
}

/* ---- memory: the MMU off ---- */

const hermetic_memory hermetic_memory_map = {
    /* The end of RAM is the hole: the last 4 bytes before it are RAM. */
    .hole = VIRT_RAM_END,
    .hole_in_page_tables = false,
    .unmapped = VIRT_NOTHING,
    .unmapped_what = "2 GiB (no RAM, no device)",
    .big_buffer = VIRT_BIG_BUFFER,
    .ram_end = VIRT_RAM_END,
};

void hermetic_arch_memory_setup(void)
{
    put_str("hermetic: " ARCH " mmu off: addresses are physical\n");
    translation_off_checks("mmu-off");
}

void hermetic_arch_memory_checks(void)
{
}
