/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm page walk for hypercalls: the access a PL0 instruction of the
 * calling process would get, from SCTLR, TTBCR, TTBR0 and DACR and
 * physical reads of the page tables, after the ARMv7-A ARM (DDI 0406C)
 * B3 "Virtual Memory System Architecture (VMSA)":
 *
 *   MMU off (SCTLR.M = 0)   virtual = physical, no protection to honour
 *   TTBCR.EAE = 1 (LPAE)    long descriptors, 3 levels at most
 *                           (arm_long_descriptor.c); TTBR0 translates from
 *                           0 up to 2^(32-T0SZ), or with T0SZ = 0 up to
 *                           where TTBR1's top 2^(32-T1SZ) begin (B3.6.4
 *                           "Selecting between TTBR0 and TTBR1,
 *                           Long-descriptor translation table format")
 *   TTBCR.EAE = 0           short descriptors, sections, supersections
 *                           and pages in domains (arm_short_descriptor.c);
 *                           TTBR0 translates below 2^(32-N) (B3.5.4, the
 *                           same for the Short-descriptor format)
 *
 * Addresses TTBR0 does not translate belong to the kernel (TTBR1) or fault,
 * so they are refused, as is everything when TTBCR.EPD0 (long) or PD0
 * (short) disables TTBR0 walks.
 *
 * QEMU names the registers of a cortex-a15 on -M virt (no EL3, so none is
 * banked) TTBR0 (the 64-bit view: LPAE's base reaches bit 39 and its ASID
 * is in bits 55:48; with short descriptors only its low word counts),
 * TTBCR, DACR and SCTLR_EL1, the AArch64 name of the SCTLR they share.
 */
#include "arm_paging.h"

#include "arm_long_descriptor.h"
#include "arm_short_descriptor.h"

#define SCTLR_M UINT64_C(1)
#define SCTLR_WXN (UINT64_C(1) << 19)
#define SCTLR_EE (UINT64_C(1) << 25)
#define SCTLR_AFE (UINT64_C(1) << 29)
#define TTBCR_EAE (UINT64_C(1) << 31)
#define TTBCR_N UINT64_C(7) /* T0SZ with EAE */
#define TTBCR_PD0 (UINT64_C(1) << 4)
#define TTBCR_EPD0 (UINT64_C(1) << 7)
#define TTBCR_T1SZ_SHIFT 16
/* LPAE TTBR0: BADDR [39:x]; bits 47:40 set are an Address size fault. */
#define LPAE_BADDR UINT64_C(0x000000ffffffffff)
#define LPAE_ABOVE_40 UINT64_C(0x0000ff0000000000)
#define ADDRESS_BITS 32

static unsigned long_t0sz(uint64_t ttbcr)
{
    return (unsigned)(ttbcr & TTBCR_N);
}

/* The end of what TTBR0 translates with long descriptors (exclusive). */
static uint64_t long_ttbr0_limit(uint64_t ttbcr)
{
    unsigned t0sz = long_t0sz(ttbcr), t1sz = (unsigned)((ttbcr >> TTBCR_T1SZ_SHIFT) & 7);
    uint64_t all = UINT64_C(1) << ADDRESS_BITS;
    if (t0sz > 0) {
        return UINT64_C(1) << (ADDRESS_BITS - t0sz);
    }
    return t1sz > 0 ? all - (UINT64_C(1) << (ADDRESS_BITS - t1sz)) : all;
}

static uint64_t long_root(uint64_t ttbr0, uint64_t ttbcr)
{
    return gp_long_descriptor_root(ttbr0 & LPAE_BADDR, ADDRESS_BITS - long_t0sz(ttbcr));
}

/* The short-descriptor first-level table: 16 KiB >> N, as aligned. */
static uint32_t short_root(uint64_t ttbr0, uint64_t ttbcr)
{
    unsigned n = (unsigned)(ttbcr & TTBCR_N);
    return (uint32_t)ttbr0 & ~((UINT32_C(1) << (14 - n)) - 1);
}

static bool arm_translate_user(const uint64_t *registers, const gp_physical_memory *memory,
                               uint64_t vaddr, uint64_t length, gp_access access,
                               gp_physical_extent_fn extent, void *context)
{
    uint64_t sctlr = registers[GP_ARM_SCTLR], ttbcr = registers[GP_ARM_TTBCR];
    uint64_t ttbr0 = registers[GP_ARM_TTBR0];
    uint64_t last = vaddr + (length - 1);

    if (length == 0 || last < vaddr || last > UINT32_MAX) {
        return false; /* virtual addresses have 32 bits */
    }
    if (!(sctlr & SCTLR_M)) {
        return extent(context, vaddr, length); /* no translation, no protection */
    }
    if (ttbcr & TTBCR_EAE) {
        if (last >= long_ttbr0_limit(ttbcr) || (ttbcr & TTBCR_EPD0) || (ttbr0 & LPAE_ABOVE_40)) {
            return false;
        }
        unsigned input_bits = ADDRESS_BITS - long_t0sz(ttbcr);
        gp_long_descriptor_regime regime = {
            .root = long_root(ttbr0, ttbcr),
            .start_level = gp_long_descriptor_start_level(input_bits),
            .input_bits = input_bits,
            .output_bits = 40,
            .big_endian = (sctlr & SCTLR_EE) != 0,
            .fetch_needs_read = true,
            .writable_never_executes = (sctlr & SCTLR_WXN) != 0,
        };
        return gp_long_descriptor_translate(&regime, memory, vaddr, length, access, extent,
                                            context);
    }
    if (ttbcr & TTBCR_PD0) {
        return false;
    }
    gp_short_descriptor_regime regime = {
        .root = short_root(ttbr0, ttbcr),
        .n = (unsigned)(ttbcr & TTBCR_N),
        .dacr = (uint32_t)registers[GP_ARM_DACR],
        .access_flag = (sctlr & SCTLR_AFE) != 0,
        .big_endian = (sctlr & SCTLR_EE) != 0,
        .writable_never_executes = (sctlr & SCTLR_WXN) != 0,
    };
    return gp_short_descriptor_translate(&regime, memory, vaddr, length, access, extent,
                                         context);
}

/*
 * TTBR0's table: without the ASID (LPAE, bits 55:48) or the walk
 * attributes in the low bits, down to the table's alignment, which for an
 * LPAE kernel is 32 bytes (Linux allocates its 4-entry top tables with
 * kmalloc, several to a page) and 16 KiB for a short-descriptor one. The
 * ASID of a short-descriptor kernel is in CONTEXTIDR, never in TTBR0.
 * With the MMU off every process is the one address space there is.
 */
static uint64_t arm_address_space(const uint64_t *registers)
{
    uint64_t sctlr = registers[GP_ARM_SCTLR], ttbcr = registers[GP_ARM_TTBCR];
    uint64_t ttbr0 = registers[GP_ARM_TTBR0];
    if (!(sctlr & SCTLR_M)) {
        return 0;
    }
    return ttbcr & TTBCR_EAE ? long_root(ttbr0, ttbcr) : short_root(ttbr0, ttbcr);
}

const gp_user_paging gp_arm_user_paging = {
    .registers = { "SCTLR_EL1", "TTBCR", "TTBR0", "DACR" },
    .translate_user = arm_translate_user,
    .address_space = arm_address_space,
};
