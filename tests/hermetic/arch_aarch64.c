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
 * The trap checks are those of arm too (virt.c), with the probes and names
 * below. An UNDEFINED instruction the program runs on purpose (PANDA's form
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

/* The probes (virt.h), with the hypercall registers x0..x4; csetm turns
 * N into all ones, or 0. */
#define VIRT_REG(n) "x" #n
VIRT_PROBES(OURS_TRAP, PANDA_TRAP, OURS_NEAR_MISS, PANDA_NEAR_MISS, "csetm %[f], mi")

/* What else the shared trap checks need (virt.c). */
const virt_traps virt_arch_traps = {
    .panda_word = PANDA_TRAP_WORD,
    .panda_near_miss_word = PANDA_NEAR_MISS_WORD,
    .magic_low_half = "w0 (x0 bit 32 set)",
    .ours_near_miss_check = "mov x4, x4 (orr x4, xzr, x4) with MAGIC changes nothing",
    .panda_near_miss_check = "msr S0_0_c5_c0_1 (one bit off) with MAGIC is UNDEFINED, no hypercall",
};

/* ---- exceptions ---- */

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
        virt_undefined_expected()) {
        virt_undefined_taken(*(volatile const uint32_t *)elr);
        elr += 4;
        __asm__ volatile("msr elr_el1, %0" : : "r"(elr));
        return 0;
    }
    const virt_value values[] = { { "ESR_EL1", esr }, { "ELR_EL1", elr }, { "FAR_EL1", far } };
    return virt_unexpected_exception(kind, values, sizeof values / sizeof values[0], frame);
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
