/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 part of the hermetic hypercall test (hermetic_arch.h), for the
 * x86_64 and i386 programs: debugcon for output, PANDA's cpuid form, the
 * register-level probes of both traps, and the memory model: x86 paging
 * (paging.c) in every mode the program runs, with the page-protection
 * checks of protection.c in each.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "checks.h"
#include "paging.h"
#include "x86.h"

/* ---- output: debugcon, one byte per outb ---- */

static inline void outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

void hermetic_arch_putc(char c)
{
    outb(HERMETIC_DEBUGCON_PORT, (uint8_t)c);
}

/* ---- the two trap forms ---- */

/* Ours: `nopl GP_X86_NOP_DISP(%rax)`, from the guest library's header. */
const char hermetic_ours_name[] = "nop";
const char hermetic_panda_name[] = "cpuid";
const char hermetic_panda_kept_check[] = "every cpuid hypercall skipped the cpuid (ebx..edi kept)";

/* ---- raw register-level probes of the traps ---- */

/* The hypercall registers: magic eax, op ebx, channel ecx, arg1 edx, arg2
 * edi. */
#define HYPERCALL_REGS(r) "+a"(r.magic), "+b"(r.op), "+c"(r.channel), "+d"(r.arg1), "+D"(r.arg2)

/* Our NOP trap, with every hypercall register in and out. */
static regs nop_raw(regs r)
{
    __asm__ volatile(".byte 0x0f, 0x1f, 0x80\n\t.long %c[disp]"
                     : HYPERCALL_REGS(r)
                     : [disp] "i"(GP_X86_NOP_DISP)
                     : "memory", "cc");
    return r;
}

/* A NOP of the same shape but displacement 0 (ordinary padding). */
static regs nop_zero_disp_raw(regs r)
{
    __asm__ volatile(".byte 0x0f, 0x1f, 0x80\n\t.long 0" : HYPERCALL_REGS(r) : : "memory", "cc");
    return r;
}

/* PANDA's form: cpuid with MAGIC in eax. The host must skip the cpuid; if
 * it ran, it would overwrite ebx..edx. */
static regs cpuid_raw(regs r)
{
    __asm__ volatile("cpuid" : HYPERCALL_REGS(r) : : "memory", "cc");
    return r;
}

regs hermetic_panda_trap(regs in)
{
    return cpuid_raw(in);
}

/*
 * Instructions before and after a trap in the same translation block run
 * exactly once: the cpuid form leaves the block with set_pc, which must not
 * replay its start. Returns the count of the three increments (3 = right).
 */
static reg count_around_cpuid_trap(void)
{
    reg ax = GP_MAGIC, bx = GP_OP_START, count;
    __asm__ volatile("xor %[n], %[n]\n\t"
                     "inc %[n]\n\t"
                     "cpuid\n\t"
                     "inc %[n]\n\t"
                     "inc %[n]"
                     : "+a"(ax), "+b"(bx), [n] "=&S"(count)
                     : "c"(0), "d"(0), "D"(0)
                     : "memory", "cc");
    return count;
}

static reg count_around_nop_trap(void)
{
    reg ax = GP_MAGIC, bx = GP_OP_START, count;
    __asm__ volatile("xor %[n], %[n]\n\t"
                     "inc %[n]\n\t"
                     ".byte 0x0f, 0x1f, 0x80\n\t.long %c[disp]\n\t"
                     "inc %[n]\n\t"
                     "inc %[n]"
                     : "+a"(ax), "+b"(bx), [n] "=&S"(count)
                     : "c"(0), "d"(0), "D"(0), [disp] "i"(GP_X86_NOP_DISP)
                     : "memory", "cc");
    return count;
}

/*
 * Flags across a START hypercall, for the report only (the ABI says flags
 * are clobbered). CF is set lazily by a compare (0 < 1), the trap runs,
 * then sbb turns CF into 0 or all ones.
 */
static reg carry_after_nop_trap(void)
{
    reg ax = GP_MAGIC, bx = GP_OP_START, carry = 0;
    __asm__ volatile("cmp $1, %[c]\n\t"
                     ".byte 0x0f, 0x1f, 0x80\n\t.long %c[disp]\n\t"
                     "sbb %[c], %[c]"
                     : "+a"(ax), "+b"(bx), [c] "+S"(carry)
                     : "c"(0), "d"(0), "D"(0), [disp] "i"(GP_X86_NOP_DISP)
                     : "memory", "cc");
    return carry;
}

static reg carry_after_cpuid_trap(void)
{
    reg ax = GP_MAGIC, bx = GP_OP_START, carry = 0;
    __asm__ volatile("cmp $1, %[c]\n\t"
                     "cpuid\n\t"
                     "sbb %[c], %[c]"
                     : "+a"(ax), "+b"(bx), [c] "+S"(carry)
                     : "c"(0), "d"(0), "D"(0)
                     : "memory", "cc");
    return carry;
}

void hermetic_trap_checks(void)
{
    section = "trap";
    regs in = { 0x12345678, GP_OP_START, 0x11, 0x22, 0x33 };

    /* Our NOP without MAGIC is a NOP: nothing changes. */
    EXPECT_TRUE("NOP without MAGIC changes no register", regs_equal(nop_raw(in), in), in.magic);
#if defined(__x86_64__)
    /* MAGIC is compared at full width: junk in the upper half is no MAGIC. */
    regs wide = { ((reg)1 << 32) | GP_MAGIC, GP_OP_START, 0x11, 0x22, 0x33 };
    EXPECT_TRUE("NOP with MAGIC only in eax (rax bit 32 set) changes nothing",
                regs_equal(nop_raw(wide), wide), wide.magic);
#endif
    /* Matching is by exact bytes: a padding NOP with MAGIC is no trap. */
    regs magic = { GP_MAGIC, GP_OP_START, 0x11, 0x22, 0x33 };
    EXPECT_TRUE("padding NOP (disp 0) with MAGIC changes nothing",
                regs_equal(nop_zero_disp_raw(magic), magic), magic.magic);

    /* A NOP hypercall changes only the result register. */
    regs out = nop_raw(magic);
    EXPECT_EQ("NOP START returns ~MAGIC", out.magic, ~(reg)GP_MAGIC);
    EXPECT_TRUE("NOP START keeps ebx..edi", regs_args_equal(out, magic), out.op);

    /* PANDA's cpuid hypercall: the host skips the cpuid, so ebx still holds
     * the op (a real cpuid would have put part of a vendor string there). */
    out = cpuid_raw(magic);
    EXPECT_EQ("cpuid START returns ~MAGIC", out.magic, ~(reg)GP_MAGIC);
    EXPECT_EQ("cpuid START leaves the op in ebx (cpuid skipped)", out.op, GP_OP_START);
    EXPECT_TRUE("cpuid START keeps ecx, edx, edi",
                out.channel == magic.channel && out.arg1 == magic.arg1 && out.arg2 == magic.arg2,
                out.channel);

    /* A cpuid without MAGIC is a real cpuid: leaf 0 gives the max leaf in
     * eax and the vendor in ebx, edx, ecx (op, arg1, channel). */
    regs leaf0 = cpuid_raw((regs){ 0, 0, 0, 0, 0 });
    uint32_t vendor[3] = { (uint32_t)leaf0.op, (uint32_t)leaf0.arg1, (uint32_t)leaf0.channel };
    char vendor_text[13];
    memcpy(vendor_text, vendor, 12);
    vendor_text[12] = 0;
    put_str("info " ARCH " trap: cpuid leaf 0 vendor \"");
    put_str(vendor_text);
    put_str("\"\n");
    EXPECT_TRUE("cpuid leaf 0 without MAGIC reports GenuineIntel or AuthenticAMD",
                memcmp(vendor_text, "GenuineIntel", 12) == 0 ||
                    memcmp(vendor_text, "AuthenticAMD", 12) == 0,
                leaf0.op);
    EXPECT_TRUE("cpuid leaf 0 without MAGIC reports a max leaf >= 1", leaf0.magic >= 1,
                leaf0.magic);
#if defined(__x86_64__)
    /* MAGIC in eax but junk above it: not a hypercall, so the real cpuid runs
     * and writes eax zero-extended (never the 64-bit ~MAGIC). */
    out = cpuid_raw(wide);
    EXPECT_TRUE("cpuid with rax bit 32 set runs as a real cpuid",
                out.magic >> 32 == 0 && out.magic != (~(reg)GP_MAGIC & 0xffffffffu), out.magic);
#endif

    EXPECT_EQ("instructions around a cpuid trap run exactly once", count_around_cpuid_trap(),
              3);
    EXPECT_EQ("instructions around a NOP trap run exactly once", count_around_nop_trap(), 3);

    info("CF after a NOP trap (all ones = kept)", carry_after_nop_trap());
    info("CF after a cpuid trap (all ones = kept)", carry_after_cpuid_trap());
}

/* ---- memory: x86 paging ---- */

const hermetic_memory hermetic_memory_map = {
    .hole = HERMETIC_HOLE_BASE,
    .hole_in_page_tables = true,
    .unmapped = HERMETIC_MAPPED_END,
    .unmapped_what = "beyond the identity map (1 GiB)",
    .big_buffer = HERMETIC_BIG_BUFFER,
    .ram_end = HERMETIC_RAM_END,
};

/* The paging mode the op checks ran in, for hermetic_arch_memory_checks. */
static const char *first_mode;

static void say_paging_on(const char *mode)
{
    put_str("hermetic: " ARCH " paging on: ");
    put_str(mode);
    put_str("\n");
}

void hermetic_arch_memory_setup(void)
{
#if defined(__i386__)
    /* i386 starts with paging off: how the host treats untranslated
     * addresses is checked before the first page tables exist. */
    translation_off_checks("paging-off");
    first_mode = hermetic_paging_setup(HERMETIC_PAGING_32BIT);
#else
    first_mode = hermetic_paging_setup(HERMETIC_PAGING_LONG);
#endif
    say_paging_on(first_mode);
}

void hermetic_arch_memory_checks(void)
{
    hermetic_protection_checks(first_mode);
#if defined(__i386__)
    const char *mode = hermetic_paging_setup(HERMETIC_PAGING_PAE);
    say_paging_on(mode);
    hermetic_protection_checks(mode);
#endif
}
