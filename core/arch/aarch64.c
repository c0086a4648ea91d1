/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aarch64: the traps, the system-call ABI and the page walk of
 * aarch64_paging.h. A64 has one instruction length, 4 bytes, stored
 * little-endian. The encodings, checked with aarch64-linux-gnu-as:
 *
 *   ours   orr x4, x4, x4           aa040084: a no-op; the host writes x0
 *                                   and execution falls through
 *   PANDA  msr S0_0_c5_c0_0, xzr    d500501f: the system-instruction form
 *                                   1101 0101 00 L op0 op1 CRn CRm op2 Rt
 *                                   with L = 0 (MSR), op0 = 0, op1 = 0,
 *                                   CRn = 5, CRm = 0, op2 = 0, Rt = 31. The
 *                                   op0 = 0 space holds hints, barriers and
 *                                   PSTATE writes (CRn 2 to 4); CRn = 5 is
 *                                   unallocated, so the instruction is
 *                                   UNDEFINED upstream and the host skips
 *                                   it: set_pc(vaddr + 4)
 *   svc 0  d4000001                 (the number is in x8)
 *
 * A 32-bit process under an arm64 kernel (EL0 in AArch32) runs A32 and
 * Thumb code, which this target neither matches nor injects into: its
 * mode is not EL0t (PSTATE.nRW is set), and QEMU copies its r registers
 * into the x registers only when it enters the kernel.
 */
#include "abi_aarch64.h"
#include "aarch64_paging.h"
#include "guest_abi.h"

#define ORR_X4 UINT32_C(0xaa040084)
#define MSR_S0_0_C5_C0_0_XZR UINT32_C(0xd500501f)

static gp_trap_kind aarch64_match_trap(const uint8_t *bytes, size_t length, uint64_t vaddr,
                                       uint64_t *resume_pc)
{
    if (length != 4) {
        return GP_TRAP_NONE;
    }
    uint32_t word = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
                    (uint32_t)bytes[3] << 24;
    if (word == ORR_X4) {
        return GP_TRAP_OURS;
    }
    if (word == MSR_S0_0_C5_C0_0_XZR) {
        *resume_pc = vaddr + 4;
        return GP_TRAP_PANDA;
    }
    return GP_TRAP_NONE;
}

/* PSTATE.M: EL0 with the EL0 stack pointer (EL0t), in AArch64 (nRW,
 * PSR_MODE32_BIT, clear). */
static bool aarch64_is_user_mode(uint64_t pstate)
{
    return (pstate & GP_ABI_arm64_mode_mask) == GP_ABI_arm64_mode_el0t;
}

static const gp_syscall_abi aarch64_syscall = {
    .sites = { { .bytes = { 0x01, 0x00, 0x00, 0xd4 }, .length = 4, .alignment = 4 } }, /* svc 0 */
    .number_register = "x8",
    .argument_registers = { "x0", "x1", "x2", "x3", "x4", "x5" },
    .result_register = "x0",
    .stack_register = "sp",
    .mode_register = "cpsr",
    .is_user_mode = aarch64_is_user_mode,
    .pointer_bytes = 8,
    GP_ABI_FROM_HEADERS,
};

const gp_arch gp_arch_aarch64 = {
    .target = "aarch64",
    .register_bytes = 8,
    .pc_register = "pc",
    .hypercall_registers = { "x0", "x1", "x2", "x3", "x4" },
    .match_trap = aarch64_match_trap,
    .matched_sizes = UINT32_C(1) << 4,
    .syscall = &aarch64_syscall,
    .paging = &gp_aarch64_user_paging,
};
