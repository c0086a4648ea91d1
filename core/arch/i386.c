/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * i386: the traps and page walk of x86.h, and the 32-bit system-call ABI.
 *
 * Programs make system calls through the vDSO's __kernel_vsyscall, which on
 * a CPU with SEP runs `mov %esp, %ebp; sysenter; int $0x80` (the int 0x80
 * is only reached on kernels that patch sysenter out). After sysenter the
 * kernel returns to the vDSO's landing pad after the int 0x80, with ecx,
 * edx and ebp taken from the user stack, so a chain of calls cannot run at
 * a sysenter: a thread stopped there is taken over and steered to an
 * `int 0x80` (the one right after it, usually), where every call returns
 * to the next instruction with every register but eax intact.
 */
#include "abi_i386.h"
#include "guest_abi.h"
#include "x86.h"
#include "x86_paging.h"

/* The requested privilege level of cs is the CPL: 3 is user mode. (The
 * 32-bit kernel has one user code segment; x86_64.c needs its own test.) */
static bool i386_is_user_mode(uint64_t cs)
{
    return (cs & 3) == 3;
}

static const gp_syscall_abi i386_syscall = {
    .sites = { { .bytes = { 0xcd, 0x80 }, .length = 2, .alignment = 1 } }, /* int 0x80 */
    .elsewhere = { { .bytes = { 0x0f, 0x34 }, .length = 2, .alignment = 1 } }, /* sysenter */
    .number_register = "eax",
    .argument_registers = { "ebx", "ecx", "edx", "esi", "edi", "ebp" },
    .result_register = "eax",
    .stack_register = "esp",
    .mode_register = "cs",
    .is_user_mode = i386_is_user_mode,
    .pointer_bytes = 4,
    GP_ABI_FROM_HEADERS,
};

const gp_arch gp_arch_i386 = {
    .target = "i386",
    .register_bytes = 4,
    .pc_register = "eip",
    .hypercall_registers = { "eax", "ebx", "ecx", "edx", "edi" },
    .match_trap = gp_x86_match_trap,
    .matched_sizes = GP_X86_MATCHED_SIZES,
    .syscall = &i386_syscall,
    .paging = &gp_x86_user_paging,
};
