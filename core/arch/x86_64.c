/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86_64: the traps and page walk of x86.h, and the 64-bit system-call ABI. */
#include "abi_x86_64.h"
#include "guest_abi.h"
#include "x86.h"
#include "x86_paging.h"

/*
 * A 64-bit user-mode program: cs is Linux's __USER_CS, GDT entry 6 with
 * RPL 3 (arch/x86/include/asm/segment.h). A 32-bit program on the 64-bit
 * kernel runs with __USER32_CS (0x23) and the i386 system-call numbers, so
 * the 64-bit chain must never run there, even at a `syscall` (the compat
 * vDSO's on AMD CPUs).
 */
static bool x86_64_is_user_mode(uint64_t cs)
{
    return cs == 0x33;
}

static const gp_syscall_abi x86_64_syscall = {
    .sites = { { .bytes = { 0x0f, 0x05 }, .length = 2, .alignment = 1 } }, /* syscall */
    .number_register = "rax",
    .argument_registers = { "rdi", "rsi", "rdx", "r10", "r8", "r9" },
    .result_register = "rax",
    .stack_register = "rsp",
    /* syscall puts the return address in rcx and rflags in r11 */
    .clobbered_registers = { "rcx", "r11" },
    .mode_register = "cs",
    .is_user_mode = x86_64_is_user_mode,
    .pointer_bytes = 8,
    GP_ABI_FROM_HEADERS,
};

const gp_arch gp_arch_x86_64 = {
    .target = "x86_64",
    .register_bytes = 8,
    .pc_register = "rip",
    .hypercall_registers = { "rax", "rbx", "rcx", "rdx", "rdi" },
    .match_trap = gp_x86_match_trap,
    .matched_sizes = GP_X86_MATCHED_SIZES,
    .syscall = &x86_64_syscall,
    .paging = &gp_x86_user_paging,
};
