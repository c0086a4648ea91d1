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
 * An UNDEFINED instruction the program runs on purpose (PANDA's form
 * without MAGIC) is taken by arm_boot.S's vectors and resumed after by
 * hermetic_exception() below; any other exception ends the run with a line
 * saying where, and QEMU status 109.
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
#define OURS_TRAP_TEXT "mov"
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
#define OURS_TRAP_TEXT "orr"
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

typedef struct regs {
    reg r0, r1, r2, r3, r4;
} regs;

static bool regs_equal(regs a, regs b)
{
    return a.r0 == b.r0 && a.r1 == b.r1 && a.r2 == b.r2 && a.r3 == b.r3 && a.r4 == b.r4;
}

/* INSN run with every hypercall register in and out. */
#define RAW_PROBE(name, insn)                                                       \
    static regs name(regs r)                                                        \
    {                                                                               \
        register reg r0 __asm__("r0") = r.r0;                                       \
        register reg r1 __asm__("r1") = r.r1;                                       \
        register reg r2 __asm__("r2") = r.r2;                                       \
        register reg r3 __asm__("r3") = r.r3;                                       \
        register reg r4 __asm__("r4") = r.r4;                                       \
        __asm__ volatile(insn                                                       \
                         : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4)         \
                         :                                                          \
                         : "memory", "cc");                                         \
        return (regs){ r0, r1, r2, r3, r4 };                                        \
    }
RAW_PROBE(ours_raw, OURS_TRAP)
RAW_PROBE(panda_raw, PANDA_TRAP)
RAW_PROBE(ours_near_miss_raw, OURS_NEAR_MISS)
RAW_PROBE(panda_near_miss_raw, PANDA_NEAR_MISS)
#if !defined(__thumb__)
/* A32 `mov r4, r4, lsr #12` (0xe1a04624): its low halfword is Thumb's
 * trap, which the host must not see in A32 code. With r4 = 0 it changes
 * nothing. */
RAW_PROBE(thumb_bytes_in_a32_raw, ".inst 0xe1a04624")
#endif

/*
 * Instructions before and after a START trap in the same translation block
 * run exactly once (3 = right): PANDA's form leaves the block with set_pc,
 * which must not replay its start.
 */
#define COUNT_AROUND(name, insn)                                                    \
    static reg name(void)                                                           \
    {                                                                               \
        register reg r0 __asm__("r0") = GP_MAGIC;                                   \
        register reg r1 __asm__("r1") = GP_OP_START;                                \
        register reg r2 __asm__("r2") = 0;                                          \
        register reg r3 __asm__("r3") = 0;                                          \
        register reg r4 __asm__("r4") = 0;                                          \
        reg count;                                                                  \
        __asm__ volatile("mov %[n], #0\n\t"                                         \
                         "add %[n], %[n], #1\n\t" insn "\n\t"                       \
                         "add %[n], %[n], #1\n\t"                                   \
                         "add %[n], %[n], #1"                                       \
                         : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4),        \
                           [n] "=&r"(count)                                         \
                         :                                                          \
                         : "memory", "cc");                                         \
        return count;                                                               \
    }
COUNT_AROUND(count_around_ours_trap, OURS_TRAP)
COUNT_AROUND(count_around_panda_trap, PANDA_TRAP)

/* The N flag across a START trap, for the report only (the ABI says flags
 * are clobbered): set by a compare (0 - 1 < 0), then turned into all ones
 * (kept) or 0. */
#define NEGATIVE_AFTER(name, insn)                                                  \
    static reg name(void)                                                           \
    {                                                                               \
        register reg r0 __asm__("r0") = GP_MAGIC;                                   \
        register reg r1 __asm__("r1") = GP_OP_START;                                \
        register reg r2 __asm__("r2") = 0;                                          \
        register reg r3 __asm__("r3") = 0;                                          \
        register reg r4 __asm__("r4") = 0;                                          \
        reg flag = 0;                                                               \
        __asm__ volatile("cmp %[f], #1\n\t" insn "\n\t"                             \
                         "ite mi\n\t"                                               \
                         "mvnmi %[f], #0\n\t"                                       \
                         "movpl %[f], #0"                                           \
                         : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4),        \
                           [f] "+r"(flag)                                           \
                         :                                                          \
                         : "memory", "cc");                                         \
        return flag;                                                                \
    }
NEGATIVE_AFTER(negative_after_ours_trap, OURS_TRAP)
NEGATIVE_AFTER(negative_after_panda_trap, PANDA_TRAP)

reg hermetic_panda_hypercall(reg op, reg channel, reg arg1, reg arg2, bool *kept)
{
    regs out = panda_raw((regs){ GP_MAGIC, op, channel, arg1, arg2 });
    *kept = out.r1 == op && out.r2 == channel && out.r3 == arg1 && out.r4 == arg2;
    return out.r0;
}

/* ---- exceptions ---- */

/* Set just before an instruction that must be UNDEFINED; the handler
 * clears it, counts, and notes which instruction it was. */
static volatile bool undefined_expected;
static volatile unsigned undefined_taken;
static volatile uint32_t undefined_word;

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
    if (kind == VECTOR_UNDEFINED && undefined_expected) {
        /* lr is the instruction's address + 4 in A32, + 2 in Thumb; every
         * instruction expected here is 4 bytes long. */
        reg address = frame[FRAME_LR] - (thumb ? 2 : 4);
        undefined_expected = false;
        undefined_taken++;
        undefined_word = instruction_at(address, thumb);
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
    put_str("FAIL " ARCH " ");
    put_str(section);
    put_str(": unexpected exception, vector ");
    put_dec(kind);
    put_str(" SPSR ");
    put_hex(spsr);
    put_str(" lr ");
    put_hex(frame[FRAME_LR]);
    put_str(" FSR ");
    put_hex(status);
    put_str(" FAR ");
    put_hex(fault_address);
    put_str(" r0..r4 ");
    for (int i = 0; i < 5; i++) {
        put_hex(frame[i]);
        put_str(i < 4 ? " " : "\n");
    }
    return HERMETIC_EXIT_EXCEPTION;
}

/* PROBE on IN, expected to be UNDEFINED once: the registers after it, and
 * whether exactly one UNDEFINED exception was taken at WORD. */
static regs undefined_once(regs (*probe)(regs), regs in, uint32_t word, bool *once)
{
    unsigned before = undefined_taken;
    undefined_expected = true;
    regs out = probe(in);
    *once = !undefined_expected && undefined_taken == before + 1 && undefined_word == word;
    undefined_expected = false;
    return out;
}

/* ---- the probes ---- */

void hermetic_trap_checks(void)
{
    section = "trap";
    regs in = { 0x12345678, GP_OP_START, 0x11, 0x22, 0x33 };
    regs magic = { GP_MAGIC, GP_OP_START, 0x11, 0x22, 0x33 };
    bool once;

    /* Ours without MAGIC is the move it is: nothing changes. */
    EXPECT_TRUE(OURS_TRAP_TEXT " without MAGIC changes no register", regs_equal(ours_raw(in), in),
                in.r0);
    /* Matching is by exact bytes: another encoding of the move is none. */
    EXPECT_TRUE(OURS_NEAR_MISS_TEXT, regs_equal(ours_near_miss_raw(magic), magic), magic.r0);
#if !defined(__thumb__)
    regs zero_r4 = { GP_MAGIC, GP_OP_START, 0x11, 0x22, 0 };
    EXPECT_TRUE("A32 mov r4, r4, lsr #12 (low half 0x4624, Thumb's trap) with MAGIC is none",
                regs_equal(thumb_bytes_in_a32_raw(zero_r4), zero_r4), zero_r4.r0);
#endif

    /* A hypercall changes only the result register. */
    regs out = ours_raw(magic);
    EXPECT_EQ(OURS_TRAP_TEXT " START returns ~MAGIC", out.r0, ~(reg)GP_MAGIC);
    EXPECT_TRUE(OURS_TRAP_TEXT " START keeps r1..r4", out.r1 == magic.r1 && out.r2 == magic.r2 &&
                                                       out.r3 == magic.r3 && out.r4 == magic.r4,
                out.r1);

    /* PANDA's mcr: had the host not skipped it, it would have raised an
     * UNDEFINED exception, which ends the run. */
    out = panda_raw(magic);
    EXPECT_EQ("mcr START returns ~MAGIC", out.r0, ~(reg)GP_MAGIC);
    EXPECT_TRUE("mcr START keeps r1..r4 (mcr skipped)",
                out.r1 == magic.r1 && out.r2 == magic.r2 && out.r3 == magic.r3 &&
                    out.r4 == magic.r4,
                out.r1);

    /* Without MAGIC the mcr is what it is upstream: UNDEFINED. */
    out = undefined_once(panda_raw, in, PANDA_TRAP_WORD, &once);
    EXPECT_TRUE("mcr without MAGIC is UNDEFINED (one exception, at the mcr)", once,
                undefined_taken);
    EXPECT_TRUE("... and changes no register", regs_equal(out, in), out.r0);
    out = undefined_once(panda_near_miss_raw, magic, PANDA_NEAR_MISS_WORD, &once);
    EXPECT_TRUE("mcr p7, 0, r0, c0, c0, 1 (one bit off) with MAGIC is UNDEFINED, no hypercall",
                once, undefined_taken);
    EXPECT_TRUE("... and changes no register", regs_equal(out, magic), out.r0);

    EXPECT_EQ("instructions around the mcr trap run exactly once", count_around_panda_trap(), 3);
    EXPECT_EQ("instructions around the " OURS_TRAP_TEXT " trap run exactly once",
              count_around_ours_trap(), 3);

    info("N after the " OURS_TRAP_TEXT " trap (all ones = kept)", negative_after_ours_trap());
    info("N after the mcr trap (all ones = kept)", negative_after_panda_trap());
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
