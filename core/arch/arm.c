/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm, A32 and Thumb: the traps, the EABI system-call ABI and the page walk
 * of arm_paging.h. Instructions are little-endian in memory, a Thumb-2
 * instruction as two halfwords, the first at the lower address. The
 * encodings, checked with arm-linux-gnueabihf-as -marm / -mthumb:
 *
 *   ours   A32   orr r4, r4, r4              e1844004
 *          Thumb mov r4, r4                  4624
 *          no-ops: the host writes r0 and execution falls through
 *   PANDA  A32   mcr p7, 0, r0, c0, c0, 0    ee000710
 *          Thumb the same                    ee00 0710
 *          UNDEFINED upstream (there is no coprocessor 7), so the host
 *          skips it: set_pc(vaddr + 4), bit 0 set for Thumb
 *   svc 0  A32 ef000000, Thumb df00          (EABI: the number is in r7)
 *
 * The instruction set is told from the bytes and the length alone, which
 * holds for every pattern but one:
 *   - A 2-byte instruction is Thumb: every A32 instruction has 4.
 *   - A 4-byte Thumb instruction starts with a halfword whose bits 15:11
 *     are 0b11101, 0b11110 or 0b11111 (at least 0xe800). The A32 patterns'
 *     first halfwords in memory are 0x4004 (ands r4, r0), 0x0710 (lsls r0,
 *     r2, #28) and 0x0000 (movs r0, r0): 16-bit Thumb instructions, so
 *     QEMU never reports a 4-byte Thumb instruction with those bytes.
 *   - Thumb-2's mcr is not safe the other way: its bytes 00 ee 10 07 are
 *     the A32 word 071000ee, `ldreq r0, [r0, -lr, ror #1]`. So the arch
 *     names CPSR.T as instruction_set_flag, and the trap callback takes
 *     that form only in Thumb state (and the A32 mcr only in A32 state).
 */
#include "abi_arm.h"
#include "arm_paging.h"
#include "guest_abi.h"

#define A32_ORR_R4 UINT32_C(0xe1844004)
#define A32_MCR_P7 UINT32_C(0xee000710)
#define THUMB_MOV_R4 UINT16_C(0x4624)
#define THUMB2_MCR_P7_FIRST UINT16_C(0xee00)
#define THUMB2_MCR_P7_SECOND UINT16_C(0x0710)

static uint16_t halfword_at(const uint8_t *bytes)
{
    return (uint16_t)(bytes[0] | bytes[1] << 8);
}

static gp_trap_kind arm_match_trap(const uint8_t *bytes, size_t length, uint64_t vaddr,
                                   uint64_t *resume_pc)
{
    if (length == 2) {
        return halfword_at(bytes) == THUMB_MOV_R4 ? GP_TRAP_OURS : GP_TRAP_NONE;
    }
    if (length != 4) {
        return GP_TRAP_NONE;
    }
    uint16_t first = halfword_at(bytes), second = halfword_at(bytes + 2);
    uint32_t a32 = (uint32_t)second << 16 | first;
    if (a32 == A32_ORR_R4) {
        return GP_TRAP_OURS;
    }
    if (a32 == A32_MCR_P7) {
        *resume_pc = vaddr + 4;
        return GP_TRAP_PANDA;
    }
    if (first == THUMB2_MCR_P7_FIRST && second == THUMB2_MCR_P7_SECOND) {
        *resume_pc = (vaddr + 4) | 1; /* stay in Thumb state */
        return GP_TRAP_PANDA;
    }
    return GP_TRAP_NONE;
}

/* CPSR.M is 0b10000 in User mode (the kernel's USR_MODE). */
static bool arm_is_user_mode(uint64_t cpsr)
{
    return (cpsr & GP_ABI_arm_mode_mask) == GP_ABI_arm_mode_user;
}

static const gp_syscall_abi arm_syscall = {
    .sites = {
        { .bytes = { 0x00, 0x00, 0x00, 0xef }, .length = 4, .alignment = 4 }, /* A32 svc 0 */
        { .bytes = { 0x00, 0xdf }, .length = 2, .alignment = 2, .pc_flag = 1 }, /* Thumb */
    },
    .number_register = "r7",
    .argument_registers = { "r0", "r1", "r2", "r3", "r4", "r5" },
    .result_register = "r0",
    .stack_register = "sp",
    .mode_register = "cpsr",
    .is_user_mode = arm_is_user_mode,
    .pointer_bytes = 4,
    GP_ABI_FROM_HEADERS,
};

const gp_arch gp_arch_arm = {
    .target = "arm",
    .register_bytes = 4,
    .pc_register = "pc",
    .hypercall_registers = { "r0", "r1", "r2", "r3", "r4" },
    .match_trap = arm_match_trap,
    .instruction_set_register = "cpsr",
    .instruction_set_flag = GP_ABI_arm_thumb_bit,
    /* Thumb's mov and svc are 2 bytes; everything else matched is 4. */
    .matched_sizes = (UINT32_C(1) << 2) | (UINT32_C(1) << 4),
    .syscall = &arm_syscall,
    .paging = &gp_arm_user_paging,
};
