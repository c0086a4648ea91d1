/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The aarch64 part of the hermetic hypercall test (hermetic_arch.h): the
 * traps and their register-level probes, and the memory model. The
 * console is the virt machine's (virt.c). Registers: magic x0, op x1,
 * channel x2, arg1 x3, arg2 x4, result in x0.
 *
 *   ours     orr x4, x4, x4 (0xaa040084): a move of x4 onto itself, a
 *            no-op without a host
 *   PANDA's  msr S0_0_c5_c0_0, xzr (0xd500501f): UNDEFINED upstream, so
 *            the host must skip it with set_pc
 *
 * An UNDEFINED instruction the program runs on purpose (PANDA's form
 * without MAGIC) is taken by aarch64_boot.S's vectors and resumed after by
 * hermetic_exception() below; any other exception ends the run with a line
 * saying where, and QEMU status 109.
 *
 * Memory: unlike arm and x86's paging off, the core does not take
 * untranslated addresses as physical ones on aarch64 (SCTLR_EL1.M = 0 is
 * refused, core/arch/aarch64_paging.c says why), so the program checks that
 * refusal first, then turns the MMU on with an identity map of its own
 * that gives EL0 (whose access the host allows a hypercall) what a process
 * would have: RAM user read-write and never executable, the program's code
 * and read-only data user read-only, devices kernel only, the end of RAM
 * unmapped (the op checks' hole).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "checks.h"
#include "virt.h"

const char hermetic_ours_name[] = "orr";
const char hermetic_panda_name[] = "msr";
const char hermetic_panda_kept_check[] = "every msr hypercall skipped the msr (x1..x4 kept)";

/* Written as encodings where the host matches bytes, so that no assembler
 * picks another form of the same instruction. */
#define OURS_TRAP ".inst 0xaa040084"  /* orr x4, x4, x4 */
#define PANDA_TRAP "msr S0_0_c5_c0_0, xzr"
#define PANDA_TRAP_WORD 0xd500501fu
/* Near misses: the same moves and system register space, other bytes. */
#define OURS_NEAR_MISS ".inst 0xaa0403e4"  /* mov x4, x4 (orr x4, xzr, x4) */
#define PANDA_NEAR_MISS ".inst 0xd500503f" /* msr S0_0_c5_c0_1, xzr */
#define PANDA_NEAR_MISS_WORD 0xd500503fu

typedef struct regs {
    reg x0, x1, x2, x3, x4;
} regs;

static bool regs_equal(regs a, regs b)
{
    return a.x0 == b.x0 && a.x1 == b.x1 && a.x2 == b.x2 && a.x3 == b.x3 && a.x4 == b.x4;
}

/* INSN run with every hypercall register in and out. */
#define RAW_PROBE(name, insn)                                                       \
    static regs name(regs r)                                                        \
    {                                                                               \
        register reg x0 __asm__("x0") = r.x0;                                       \
        register reg x1 __asm__("x1") = r.x1;                                       \
        register reg x2 __asm__("x2") = r.x2;                                       \
        register reg x3 __asm__("x3") = r.x3;                                       \
        register reg x4 __asm__("x4") = r.x4;                                       \
        __asm__ volatile(insn                                                       \
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4)         \
                         :                                                          \
                         : "memory", "cc");                                         \
        return (regs){ x0, x1, x2, x3, x4 };                                        \
    }
RAW_PROBE(ours_raw, OURS_TRAP)
RAW_PROBE(panda_raw, PANDA_TRAP)
RAW_PROBE(ours_near_miss_raw, OURS_NEAR_MISS)
RAW_PROBE(panda_near_miss_raw, PANDA_NEAR_MISS)

/*
 * Instructions before and after a START trap in the same translation block
 * run exactly once (3 = right): PANDA's form leaves the block with set_pc,
 * which must not replay its start.
 */
#define COUNT_AROUND(name, insn)                                                    \
    static reg name(void)                                                           \
    {                                                                               \
        register reg x0 __asm__("x0") = GP_MAGIC;                                   \
        register reg x1 __asm__("x1") = GP_OP_START;                                \
        register reg x2 __asm__("x2") = 0;                                          \
        register reg x3 __asm__("x3") = 0;                                          \
        register reg x4 __asm__("x4") = 0;                                          \
        reg count;                                                                  \
        __asm__ volatile("mov %[n], #0\n\t"                                         \
                         "add %[n], %[n], #1\n\t" insn "\n\t"                       \
                         "add %[n], %[n], #1\n\t"                                   \
                         "add %[n], %[n], #1"                                       \
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4),        \
                           [n] "=&r"(count)                                         \
                         :                                                          \
                         : "memory", "cc");                                         \
        return count;                                                               \
    }
COUNT_AROUND(count_around_ours_trap, OURS_TRAP)
COUNT_AROUND(count_around_panda_trap, PANDA_TRAP)

/* The N flag across a START trap, for the report only (the ABI says flags
 * are clobbered): set by a compare (0 - 1 < 0), then csetm turns it into
 * all ones (kept) or 0. */
#define NEGATIVE_AFTER(name, insn)                                                  \
    static reg name(void)                                                           \
    {                                                                               \
        register reg x0 __asm__("x0") = GP_MAGIC;                                   \
        register reg x1 __asm__("x1") = GP_OP_START;                                \
        register reg x2 __asm__("x2") = 0;                                          \
        register reg x3 __asm__("x3") = 0;                                          \
        register reg x4 __asm__("x4") = 0;                                          \
        reg flag = 0;                                                               \
        __asm__ volatile("cmp %[f], #1\n\t" insn "\n\t"                             \
                         "csetm %[f], mi"                                           \
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4),        \
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
    *kept = out.x1 == op && out.x2 == channel && out.x3 == arg1 && out.x4 == arg2;
    return out.x0;
}

/* ---- exceptions ---- */

/* Set just before an instruction that must be UNDEFINED; the handler
 * clears it, counts, and notes which instruction it was. */
static volatile bool undefined_expected;
static volatile unsigned undefined_taken;
static volatile uint32_t undefined_word;

#define VECTOR_SYNC_CURRENT_EL_SPX 4
#define ESR_EC_SHIFT 26
#define ESR_EC_UNKNOWN 0 /* an UNDEFINED instruction */

reg hermetic_exception(unsigned kind, const reg *frame); /* aarch64_boot.S */

reg hermetic_exception(unsigned kind, const reg *frame)
{
    reg esr, elr, far;
    __asm__ volatile("mrs %0, esr_el1" : "=r"(esr));
    __asm__ volatile("mrs %0, elr_el1" : "=r"(elr));
    __asm__ volatile("mrs %0, far_el1" : "=r"(far));
    if (kind == VECTOR_SYNC_CURRENT_EL_SPX && (esr >> ESR_EC_SHIFT & 0x3f) == ESR_EC_UNKNOWN &&
        undefined_expected) {
        undefined_expected = false;
        undefined_taken++;
        undefined_word = *(volatile const uint32_t *)elr;
        elr += 4;
        __asm__ volatile("msr elr_el1, %0" : : "r"(elr));
        return 0;
    }
    put_str("FAIL " ARCH " ");
    put_str(section);
    put_str(": unexpected exception, vector ");
    put_dec(kind);
    put_str(" ESR_EL1 ");
    put_hex(esr);
    put_str(" ELR_EL1 ");
    put_hex(elr);
    put_str(" FAR_EL1 ");
    put_hex(far);
    put_str(" x0..x4 ");
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
    /* MAGIC is compared at full width: junk in the upper half is no MAGIC. */
    regs wide = { (reg)1 << 32 | GP_MAGIC, GP_OP_START, 0x11, 0x22, 0x33 };
    bool once;

    /* Ours without MAGIC is the move it is: nothing changes. */
    EXPECT_TRUE("orr without MAGIC changes no register", regs_equal(ours_raw(in), in), in.x0);
    EXPECT_TRUE("orr with MAGIC only in w0 (x0 bit 32 set) changes nothing",
                regs_equal(ours_raw(wide), wide), wide.x0);
    /* Matching is by exact bytes: the other encoding of the move is none. */
    EXPECT_TRUE("mov x4, x4 (orr x4, xzr, x4) with MAGIC changes nothing",
                regs_equal(ours_near_miss_raw(magic), magic), magic.x0);

    /* A hypercall changes only the result register. */
    regs out = ours_raw(magic);
    EXPECT_EQ("orr START returns ~MAGIC", out.x0, ~(reg)GP_MAGIC);
    EXPECT_TRUE("orr START keeps x1..x4", out.x1 == magic.x1 && out.x2 == magic.x2 &&
                                             out.x3 == magic.x3 && out.x4 == magic.x4,
                out.x1);

    /* PANDA's msr: had the host not skipped it, it would have raised an
     * UNDEFINED exception, which ends the run. */
    out = panda_raw(magic);
    EXPECT_EQ("msr START returns ~MAGIC", out.x0, ~(reg)GP_MAGIC);
    EXPECT_TRUE("msr START keeps x1..x4 (msr skipped)",
                out.x1 == magic.x1 && out.x2 == magic.x2 && out.x3 == magic.x3 &&
                    out.x4 == magic.x4,
                out.x1);

    /* Without MAGIC the msr is what it is upstream: UNDEFINED. */
    out = undefined_once(panda_raw, in, PANDA_TRAP_WORD, &once);
    EXPECT_TRUE("msr without MAGIC is UNDEFINED (one exception, at the msr)", once,
                undefined_taken);
    EXPECT_TRUE("... and changes no register", regs_equal(out, in), out.x0);
    out = undefined_once(panda_raw, wide, PANDA_TRAP_WORD, &once);
    EXPECT_TRUE("msr with MAGIC only in w0 (x0 bit 32 set) is UNDEFINED", once,
                undefined_taken);
    out = undefined_once(panda_near_miss_raw, magic, PANDA_NEAR_MISS_WORD, &once);
    EXPECT_TRUE("msr S0_0_c5_c0_1 (one bit off) with MAGIC is UNDEFINED, no hypercall", once,
                undefined_taken);
    EXPECT_TRUE("... and changes no register", regs_equal(out, magic), out.x0);

    EXPECT_EQ("instructions around the msr trap run exactly once", count_around_panda_trap(), 3);
    EXPECT_EQ("instructions around the orr trap run exactly once", count_around_ours_trap(), 3);

    info("N after the orr trap (all ones = kept)", negative_after_ours_trap());
    info("N after the msr trap (all ones = kept)", negative_after_panda_trap());
}

/* ---- memory: the MMU off, then an identity map ---- */

const hermetic_memory hermetic_memory_map = {
    /* The end of RAM is the hole: the tables map nothing from there. */
    .hole = VIRT_RAM_END,
    .hole_in_page_tables = true,
    .unmapped = VIRT_NOTHING,
    .unmapped_what = "2 GiB (no RAM, no device)",
    .big_buffer = VIRT_BIG_BUFFER,
    .ram_end = VIRT_RAM_END,
};

/* VMSAv8-64 stage 1 descriptors, 4 KiB granule (Arm ARM D5, "VMSAv8-64
 * translation table format descriptors"). */
#define PAGE_BYTES 4096u
#define BLOCK_BYTES (2u << 20) /* a level 2 block */
#define DESC_TABLE 3u          /* levels 1 and 2: next-level table */
#define DESC_BLOCK 1u          /* levels 1 and 2: block */
#define DESC_PAGE 3u           /* level 3: page */
#define ATTR_NORMAL (0u << 2)  /* MAIR_EL1 attribute 0 */
#define ATTR_DEVICE (1u << 2)  /* MAIR_EL1 attribute 1 */
#define AP_EL1_RW (0u << 6)
#define AP_EL0_RW (1u << 6)
#define AP_EL0_RO (3u << 6) /* read-only at EL1 and EL0 */
#define SH_INNER (3u << 8)
#define AF (1u << 10) /* accessed: no access flag fault, and the host wants it */
#define PXN (UINT64_C(1) << 53)
#define UXN (UINT64_C(1) << 54)
#define USER_RW (AF | SH_INNER | ATTR_NORMAL | AP_EL0_RW | PXN | UXN)
/* Not executable at EL0, executable at EL1 (where the program runs): a
 * page EL0 may write is never executable at EL1, so code must be EL0
 * read-only. */
#define USER_RO_CODE (AF | SH_INNER | ATTR_NORMAL | AP_EL0_RO | UXN)
#define KERNEL_DEVICE (AF | ATTR_DEVICE | AP_EL1_RW | PXN | UXN)

/* MAIR_EL1: attribute 0 Normal write-back, attribute 1 Device-nGnRnE. */
#define MAIR_VALUE UINT64_C(0x00ff)
/* TCR_EL1: T0SZ 25 (39-bit addresses: the walk starts at level 1), tables
 * write-back and inner shareable, 4 KiB granule, no TTBR1 walks (EPD1),
 * 40-bit physical addresses. */
#define TCR_VALUE                                                                   \
    (UINT64_C(25) | UINT64_C(1) << 8 | UINT64_C(1) << 10 | UINT64_C(3) << 12 |      \
     UINT64_C(1) << 23 | UINT64_C(2) << 32)
#define SCTLR_M (UINT64_C(1) << 0)
#define SCTLR_C (UINT64_C(1) << 2)
#define SCTLR_I (UINT64_C(1) << 12)

static uint64_t level1[512] __attribute__((aligned(PAGE_BYTES)));  /* 1 GiB each */
static uint64_t level2_ram[512] __attribute__((aligned(PAGE_BYTES))); /* 1 .. 2 GiB */
static uint64_t level3_image[512] __attribute__((aligned(PAGE_BYTES))); /* RAM's first 2 MiB */
extern char __rw_start[]; /* virt.ld */

static void mmu_on(void)
{
    /* 0 .. 1 GiB: flash and devices (the UART), the kernel's only. */
    level1[0] = 0 | KERNEL_DEVICE | DESC_BLOCK;
    level1[VIRT_RAM_BASE >> 30] = (uint64_t)(uintptr_t)level2_ram | DESC_TABLE;
    /* RAM's first 2 MiB page by page: the image's code and read-only data
     * below __rw_start, its data, stacks and the rest above. */
    level2_ram[0] = (uint64_t)(uintptr_t)level3_image | DESC_TABLE;
    for (unsigned i = 0; i < 512; i++) {
        uint64_t address = VIRT_RAM_BASE + (uint64_t)i * PAGE_BYTES;
        uint64_t flags = address < (uintptr_t)__rw_start ? USER_RO_CODE : USER_RW;
        level3_image[i] = address | flags | DESC_PAGE;
    }
    /* The rest of RAM in 2 MiB blocks; nothing from its end on. */
    for (unsigned i = 1; i < (VIRT_RAM_END - VIRT_RAM_BASE) / BLOCK_BYTES; i++) {
        level2_ram[i] = (VIRT_RAM_BASE + (uint64_t)i * BLOCK_BYTES) | USER_RW | DESC_BLOCK;
    }
    uint64_t sctlr;
    __asm__ volatile("dsb sy\n\t"
                     "msr mair_el1, %[mair]\n\t"
                     "msr tcr_el1, %[tcr]\n\t"
                     "msr ttbr0_el1, %[ttbr0]\n\t"
                     "isb\n\t"
                     "tlbi vmalle1\n\t"
                     "dsb nsh\n\t"
                     "isb\n\t"
                     "mrs %[sctlr], sctlr_el1\n\t"
                     "orr %[sctlr], %[sctlr], %[enable]\n\t"
                     "msr sctlr_el1, %[sctlr]\n\t"
                     "isb"
                     : [sctlr] "=&r"(sctlr)
                     : [mair] "r"(MAIR_VALUE), [tcr] "r"(TCR_VALUE),
                       [ttbr0] "r"((uint64_t)(uintptr_t)level1),
                       [enable] "r"(SCTLR_M | SCTLR_C | SCTLR_I)
                     : "memory");
}

void hermetic_arch_memory_setup(void)
{
    section = "mmu-off";
    put_str("hermetic: " ARCH " mmu off: the host must refuse untranslated addresses\n");
    reg fresh = ours_hypercall(GP_OP_GET_MANAGER, 0, 0, 0);
    EXPECT_TRUE("GET_MANAGER (names no memory) -> a channel id", (long)fresh > 0, fresh);
    EXPECT_EQ("GET_CHANNEL_BY_NAME with the name in RAM -> -2", lookup(ours_hypercall, "echo"),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE from RAM -> -2", send_text(ours_hypercall, fresh, "refused"),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("ERROR with its text in RAM -> -2",
              ours_hypercall(GP_OP_ERROR, fresh, (reg) "refused", 7), ERR(GP_ERR_BAD_ADDRESS));

    /* (That channel belongs to the MMU-off address space: once TTBR0
     * names one, it is no longer this program's, so it is left alone.) */
    mmu_on();
    put_str("hermetic: " ARCH " mmu on: identity map, EL0 pages\n");
}

void hermetic_arch_memory_checks(void)
{
    section = "mmu-on";
    hypercall_fn hc = ours_hypercall;
    reg echo = lookup(hc, "echo");
    EXPECT_EQ("WRITE echo \"kept\"", send_text(hc, echo, "kept"), 4);
    EXPECT_EQ("READ into the program's code (EL0 read-only) -> -2",
              receive(hc, echo, AT(VIRT_RAM_BASE), 8), ERR(GP_ERR_BAD_ADDRESS));
    /* Refused by the walk, so the host never touches the device. */
    EXPECT_EQ("READ into the UART (kernel-only device page) -> -2",
              receive(hc, echo, AT(VIRT_UART), 8), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE from the UART (kernel-only device page) -> -2",
              send(hc, echo, AT(VIRT_UART), 4), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("then READ echo -> 4 (the message was kept)", receive(hc, echo, buffer, 64), 4);
    EXPECT_EQ("WRITE from the program's code (EL0 may read it) -> 4",
              send(hc, echo, AT(VIRT_RAM_BASE), 4), 4);
    EXPECT_EQ("READ it back -> 4", receive(hc, echo, buffer, 64), 4);
    EXPECT_TRUE("the code's first bytes", memcmp(buffer, AT(VIRT_RAM_BASE), 4) == 0, buffer[0]);
}
