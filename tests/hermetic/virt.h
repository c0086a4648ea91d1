/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's arm "virt" machine as the arm and aarch64 hermetic programs see it
 * (aarch64_boot.S, arm_boot.S, virt.c, virt.ld). QEMU loads the ELF at its
 * link address, the base of RAM, and starts it at _start in the kernel's
 * privilege level (virt without secure=on or virtualization=on: EL1, or
 * SVC mode on arm) with the MMU off. The arm program keeps it off (the core
 * takes its addresses as physical ones); the aarch64 program turns it on
 * with an identity map once it has checked that the core refuses
 * untranslated addresses (arch_aarch64.c). With the MMU off every data
 * access is to Device memory, which must be aligned: the build forbids
 * unaligned accesses (-mstrict-align, -mno-unaligned-access).
 */
#ifndef HERMETIC_VIRT_H
#define HERMETIC_VIRT_H

#include "hermetic.h" /* exit codes */

/* RAM: the bash test runs QEMU with -m 128M. */
#define VIRT_RAM_BASE 0x40000000
#define VIRT_RAM_END 0x48000000
/* Nothing there on virt with that much RAM: no RAM, no device (RAM would
 * reach it only from 1 GiB of it on). */
#define VIRT_NOTHING 0x80000000
/* 16 MiB + 1 bytes of RAM well above the image, for the library's
 * oversize check. */
#define VIRT_BIG_BUFFER 0x41000000

/* The PL011 UART (-serial): data register, flag register, control. */
#define VIRT_UART 0x09000000
#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_CR 0x30
#define PL011_FR_TXFF (1 << 5) /* transmit FIFO full */
#define PL011_CR_ENABLE 0x301  /* UARTEN, TXE, RXE */

/* Semihosting (-semihosting-config enable=on): exit with a status. */
#define SEMIHOSTING_SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

#ifndef __ASSEMBLER__
/*
 * What the aarch64 and arm programs share beyond the machine (virt.c): on
 * both, our trap is a move of a register onto itself and PANDA's an
 * instruction that is UNDEFINED unless the host skips it, so their traps are
 * probed and checked the same way. Each arch file keeps what is its own:
 * the register names and encodings of its probes, its exception vectors and
 * saved frame, and the texts that name them (arch_aarch64.c, arch_arm.c).
 */
#include <stddef.h>
#include <stdint.h>

#include "checks.h"

/*
 * The probes, expanded by the arch file into static functions, which first
 * defines VIRT_REG(n): the name of hypercall register n ("x" #n, "r" #n).
 * VIRT_REGS_BIND declares the five hypercall registers bound to those
 * registers with IN's values, for one asm that lists VIRT_REGS_OPERANDS
 * first among its outputs; VIRT_REGS_VALUE is what they hold after it.
 */
#define VIRT_REGS_BIND(in)                                                          \
    register reg virt_r0_ __asm__(VIRT_REG(0)) = (in).magic;                        \
    register reg virt_r1_ __asm__(VIRT_REG(1)) = (in).op;                           \
    register reg virt_r2_ __asm__(VIRT_REG(2)) = (in).channel;                      \
    register reg virt_r3_ __asm__(VIRT_REG(3)) = (in).arg1;                         \
    register reg virt_r4_ __asm__(VIRT_REG(4)) = (in).arg2
#define VIRT_REGS_OPERANDS                                                          \
    "+r"(virt_r0_), "+r"(virt_r1_), "+r"(virt_r2_), "+r"(virt_r3_), "+r"(virt_r4_)
#define VIRT_REGS_VALUE ((regs){ virt_r0_, virt_r1_, virt_r2_, virt_r3_, virt_r4_ })

/* static regs NAME(regs in): INSN run with IN in the hypercall registers. */
#define VIRT_RAW_PROBE(name, insn)                                                  \
    static regs name(regs in)                                                       \
    {                                                                               \
        VIRT_REGS_BIND(in);                                                         \
        __asm__ volatile(insn : VIRT_REGS_OPERANDS : : "memory", "cc");             \
        return VIRT_REGS_VALUE;                                                     \
    }

/*
 * static reg NAME(void): instructions before and after a START trap INSN in
 * the same translation block run exactly once (3 = right): PANDA's form
 * leaves the block with set_pc, which must not replay its start. The same
 * instructions in A64, A32 and Thumb.
 */
#define VIRT_COUNT_AROUND(name, insn)                                               \
    static reg name(void)                                                           \
    {                                                                               \
        const regs start = { GP_MAGIC, GP_OP_START, 0, 0, 0 };                      \
        VIRT_REGS_BIND(start);                                                      \
        reg count;                                                                  \
        __asm__ volatile("mov %[n], #0\n\t"                                         \
                         "add %[n], %[n], #1\n\t" insn "\n\t"                       \
                         "add %[n], %[n], #1\n\t"                                   \
                         "add %[n], %[n], #1"                                       \
                         : VIRT_REGS_OPERANDS, [n] "=&r"(count)                     \
                         :                                                          \
                         : "memory", "cc");                                         \
        return count;                                                               \
    }

/*
 * static reg NAME(void): the N flag across a START trap INSN, for the
 * report only (the ABI says flags are clobbered): set by a compare
 * (0 - 1 < 0), then turned into all ones (kept) or 0 by the arch's
 * ALL_ONES_IF_NEGATIVE, instructions on operand %[f].
 */
#define VIRT_NEGATIVE_AFTER(name, insn, all_ones_if_negative)                       \
    static reg name(void)                                                           \
    {                                                                               \
        const regs start = { GP_MAGIC, GP_OP_START, 0, 0, 0 };                      \
        VIRT_REGS_BIND(start);                                                      \
        reg flag = 0;                                                               \
        __asm__ volatile("cmp %[f], #1\n\t" insn "\n\t" all_ones_if_negative        \
                         : VIRT_REGS_OPERANDS, [f] "+r"(flag)                       \
                         :                                                          \
                         : "memory", "cc");                                         \
        return flag;                                                                \
    }

/* The probes of both traps, which the shared checks (virt.c) run: raw ones
 * of our trap and PANDA's and of a near miss of each (the same move in
 * another encoding, PANDA's instruction one bit off), which the host must
 * not take for a hypercall; VIRT_COUNT_AROUND and VIRT_NEGATIVE_AFTER of
 * both traps; and the names of the hypercall registers ("x0..x4") and of
 * the argument registers ("x1..x4") in the lines. */
typedef struct virt_probes {
    regs (*ours)(regs in);
    regs (*panda)(regs in);
    regs (*ours_near_miss)(regs in);
    regs (*panda_near_miss)(regs in);
    reg (*count_around_ours)(void);
    reg (*count_around_panda)(void);
    reg (*negative_after_ours)(void);
    reg (*negative_after_panda)(void);
    const char *registers, *arguments;
} virt_probes;
extern const virt_probes virt_arch_probes;

/* Defines virt_arch_probes in the arch file, from the instructions of our
 * trap, of PANDA's, of their near misses and ALL_ONES_IF_NEGATIVE (see
 * VIRT_NEGATIVE_AFTER). */
#define VIRT_PROBES(ours, panda, ours_near_miss, panda_near_miss, all_ones_if_negative)  \
    VIRT_RAW_PROBE(virt_ours_raw_, ours)                                            \
    VIRT_RAW_PROBE(virt_panda_raw_, panda)                                          \
    VIRT_RAW_PROBE(virt_ours_near_miss_raw_, ours_near_miss)                        \
    VIRT_RAW_PROBE(virt_panda_near_miss_raw_, panda_near_miss)                      \
    VIRT_COUNT_AROUND(virt_count_around_ours_, ours)                                \
    VIRT_COUNT_AROUND(virt_count_around_panda_, panda)                              \
    VIRT_NEGATIVE_AFTER(virt_negative_after_ours_, ours, all_ones_if_negative)      \
    VIRT_NEGATIVE_AFTER(virt_negative_after_panda_, panda, all_ones_if_negative)    \
    const virt_probes virt_arch_probes = {                                          \
        virt_ours_raw_,                                                             \
        virt_panda_raw_,                                                            \
        virt_ours_near_miss_raw_,                                                   \
        virt_panda_near_miss_raw_,                                                  \
        virt_count_around_ours_,                                                    \
        virt_count_around_panda_,                                                   \
        virt_negative_after_ours_,                                                  \
        virt_negative_after_panda_,                                                 \
        VIRT_REG(0) ".." VIRT_REG(4),                                               \
        VIRT_REG(1) ".." VIRT_REG(4),                                               \
    };

/* What else the shared trap checks need of the arch file, which defines
 * virt_arch_traps. */
typedef struct virt_traps {
    /* PANDA's trap and its near miss as the exception handler reads them
     * back (virt_undefined_taken). */
    uint32_t panda_word, panda_near_miss_word;
    /* With 64-bit registers, MAGIC in the low half only ("w0 (x0 bit 32
     * set)"); the near misses' check lines. */
    const char *magic_low_half;
    const char *ours_near_miss_check, *panda_near_miss_check;
    /* More checks of our trap after its near miss, or NULL (A32: Thumb's
     * trap inside an A32 instruction). */
    void (*more_ours_checks)(void);
} virt_traps;
extern const virt_traps virt_arch_traps;

/* For the arch's exception handler: whether the trap checks expect an
 * UNDEFINED exception now (they run PANDA's instruction without a host
 * on purpose), and, once it is handled, its instruction WORD as read back;
 * nothing more is expected after it. */
bool virt_undefined_expected(void);
void virt_undefined_taken(uint32_t word);

/* A value an exception line names ("ESR_EL1", "lr"). */
typedef struct virt_value {
    const char *name;
    reg value;
} virt_value;

/* The line of an exception nothing expected, in the current section: its
 * vector KIND, the COUNT VALUES the arch reads of it, and the hypercall
 * registers as FRAME saved them. Returns the exit code the boot stub ends
 * the run with. */
reg virt_unexpected_exception(unsigned kind, const virt_value *values, size_t count,
                              const reg *frame);
#endif

#endif
