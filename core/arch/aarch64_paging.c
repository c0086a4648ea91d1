/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aarch64 page walk for hypercalls: the access an EL0 instruction of the
 * calling process would get, from SCTLR_EL1, TCR_EL1 and TTBR0_EL1 and
 * physical reads of the page tables (the descriptors and their rules are
 * arm_long_descriptor.c). Sections are those of the Arm ARM for A-profile,
 * DDI 0487 issue A, chapter D4 "The AArch64 Virtual Memory System
 * Architecture" (D5 or D8 in later issues, under the same titles).
 *
 *   MMU off (SCTLR_EL1.M = 0)   refused (below)
 *   MMU on                      TTBR0_EL1's tables, 4 KiB granule (TG0 = 0):
 *                               T0SZ 16 to 39 gives 48 to 25 address bits,
 *                               4 levels at 48 bits, 3 at 39; the start
 *                               level follows from T0SZ (D4.2 "The
 *                               VMSAv8-64 address translation system")
 *
 * Only addresses TTBR0 translates are the process's own (D4.2, "Selection
 * between TTBR0 and TTBR1"): bit 55 set selects TTBR1, the kernel's half,
 * and any other bit from 64-T0SZ up set is a translation fault, so both
 * are refused, as is everything when TCR_EL1.EPD0 disables TTBR0 walks.
 * With TCR_EL1.TBI0 (Linux sets it) the top byte is a tag the MMU ignores,
 * for data accesses and, unless TBID0, for instruction fetches too (D4.1,
 * "Address tagging in AArch64 state"); a range must keep one tag from end
 * to end.
 *
 * Unlike x86's paging off, SCTLR_EL1.M = 0 is not taken as "no protection":
 * no kernel runs EL0 with its MMU off, but a kernel that runs at EL2 with
 * the Virtualization Host Extensions (HCR_EL2.E2H and TGE: -cpu max with
 * -M virt,virtualization=on) translates EL0 through SCTLR_EL2, TCR_EL2 and
 * TTBR0_EL2, and Linux's boot code leaves SCTLR_EL1 with the MMU off
 * there. Identity would hand a process all of physical memory. (What the
 * EL1 registers hold after such a kernel ran KVM guests is a risk this
 * walk cannot see: QEMU exposes no HCR_EL2 without EL2, so it cannot be
 * among the registers every walk reads. A cortex-a57 has no VHE.)
 *
 * Refused because Linux on these guests never uses them and their formats
 * differ: the 16 KiB and 64 KiB granules, and 52-bit addresses with the 4
 * KiB granule (TCR_EL1.DS, FEAT_LPA2, which a cortex-a57 does not have).
 * A kernel built for them gets -2 from every hypercall that names memory,
 * never an access its tables would not give.
 */
#include "aarch64_paging.h"

#include "arm_long_descriptor.h"

#define SCTLR_M UINT64_C(1)            /* stage 1 MMU enable */
#define SCTLR_WXN (UINT64_C(1) << 19)  /* writable implies execute-never */
#define SCTLR_EE (UINT64_C(1) << 25)   /* EL1&0 table walks are big-endian */
#define TCR_T0SZ UINT64_C(0x3f)
#define TCR_EPD0 (UINT64_C(1) << 7)
#define TCR_TG0_SHIFT 14               /* 2 bits, 0 = 4 KiB */
#define TCR_IPS_SHIFT 32               /* 3 bits: the physical address size */
#define TCR_TBI0 (UINT64_C(1) << 37)
#define TCR_TBID0 (UINT64_C(1) << 51)  /* TBI0 for data accesses only */
#define TCR_DS (UINT64_C(1) << 59)
/* TTBR0_EL1: BADDR [47:1]; ASID [63:48] and CnP [0] are not the table. */
#define TTBR_BADDR UINT64_C(0x0000fffffffffffe)
#define TAG_SHIFT 56

/* T0SZ's range with the 4 KiB granule and neither FEAT_LPA2 nor FEAT_TTST:
 * outside it the CPU faults or clamps (IMPLEMENTATION DEFINED). */
#define T0SZ_MIN 16
#define T0SZ_MAX 39
/* The physical address size TCR_EL1.IPS selects (ID_AA64MMFR0_EL1.PARange
 * has the same encoding); 52 bits need a granule or LPA2 this walk does
 * not take, so 48 is the most it outputs. */
static const unsigned ips_bits[] = { 32, 36, 40, 42, 44, 48, 48 };

/* The regime TTBR0 gives EL0, or false where it translates nothing. */
static bool ttbr0_regime(const uint64_t *registers, gp_long_descriptor_regime *regime)
{
    uint64_t sctlr = registers[GP_AARCH64_SCTLR_EL1], tcr = registers[GP_AARCH64_TCR_EL1];
    unsigned t0sz = (unsigned)(tcr & TCR_T0SZ);
    unsigned ips = (unsigned)((tcr >> TCR_IPS_SHIFT) & 7);

    if ((tcr & TCR_EPD0) || ((tcr >> TCR_TG0_SHIFT) & 3) != 0 || (tcr & TCR_DS) ||
        t0sz < T0SZ_MIN || t0sz > T0SZ_MAX || ips >= sizeof ips_bits / sizeof ips_bits[0]) {
        return false;
    }
    unsigned input_bits = 64 - t0sz;
    *regime = (gp_long_descriptor_regime){
        .root = gp_long_descriptor_root(registers[GP_AARCH64_TTBR0_EL1] & TTBR_BADDR,
                                        input_bits),
        .start_level = gp_long_descriptor_start_level(input_bits),
        .input_bits = input_bits,
        .output_bits = ips_bits[ips],
        .big_endian = (sctlr & SCTLR_EE) != 0,
        .fetch_needs_read = false,
        .writable_never_executes = (sctlr & SCTLR_WXN) != 0,
    };
    return true;
}

static bool aarch64_translate_user(const uint64_t *registers, const gp_physical_memory *memory,
                                   uint64_t vaddr, uint64_t length, gp_access access,
                                   gp_physical_extent_fn extent, void *context)
{
    uint64_t tcr = registers[GP_AARCH64_TCR_EL1];
    uint64_t last = vaddr + (length - 1);

    if (length == 0 || last < vaddr) {
        return false;
    }
    gp_long_descriptor_regime regime;
    if (!(registers[GP_AARCH64_SCTLR_EL1] & SCTLR_M) || !ttbr0_regime(registers, &regime)) {
        return false;
    }
    bool tagged = (tcr & TCR_TBI0) && (access != GP_ACCESS_EXECUTE || !(tcr & TCR_TBID0));
    if (tagged) {
        if ((vaddr >> TAG_SHIFT) != (last >> TAG_SHIFT)) {
            return false;
        }
        vaddr &= (UINT64_C(1) << TAG_SHIFT) - 1;
    }
    /* Bits above input_bits, bit 55 (TTBR1) among them, are refused there. */
    return gp_long_descriptor_translate(&regime, memory, vaddr, length, access, extent, context);
}

/*
 * TTBR0_EL1's table, without the ASID (Linux keeps it in TTBR1_EL1, with
 * TCR_EL1.A1, but another kernel may not) or CnP. Linux gives each process
 * its own top table and points every thread's TTBR0_EL1 at it. With the
 * MMU off nothing is translated (above), and no process is told apart.
 */
static uint64_t aarch64_address_space(const uint64_t *registers)
{
    if (!(registers[GP_AARCH64_SCTLR_EL1] & SCTLR_M)) {
        return 0;
    }
    gp_long_descriptor_regime regime;
    return ttbr0_regime(registers, &regime) ? regime.root
                                            : registers[GP_AARCH64_TTBR0_EL1] & TTBR_BADDR;
}

const gp_user_paging gp_aarch64_user_paging = {
    .registers = { "SCTLR_EL1", "TCR_EL1", "TTBR0_EL1" },
    .translate_user = aarch64_translate_user,
    .address_space = aarch64_address_space,
};
