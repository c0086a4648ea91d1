/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mips64el: the n64 system-call ABI on a 64-bit kernel. The number is in
 * v0, the arguments in a0-a3, a4 and a5 ($8, $9: named r8, r9 here, as
 * o32 names them t0, t1); the result is in v0, with a3 set when it is an
 * errno. The numbers come from mips64el's kernel headers (n64's table,
 * 5000 up; PANDA used o32's fork number here). A 64-bit kernel also runs
 * o32 programs; it dispatches by number, so n64's calls work from them too.
 */
#include "abi_mips64el.h"
#include "guest_abi.h"
#include "mips.h"

static const gp_syscall_abi mips64el_syscall = {
    .sites = { { .bytes = { 0x0c, 0x00, 0x00, 0x00 }, .length = 4, .alignment = 4 } },
    .number_register = "v0",
    .argument_registers = { "a0", "a1", "a2", "a3", "r8", "r9" },
    .result_register = "v0",
    .error_flag_register = "a3",
    .stack_register = "sp",
    .clobbered_registers = GP_MIPS_CLOBBERED,
    .in_delay_slot = gp_mips_in_delay_slot_le,
    .takeover_alignment = 4,
    .mode_register = "sr",
    .is_user_mode = gp_mips_is_user_mode,
    .pointer_bytes = 8,
    .errno_name = gp_mips_errno_name,
    .errno_to_host = gp_mips_errno_to_host,
    GP_ABI_FROM_HEADERS,
};

const gp_arch gp_arch_mips64el = {
    .target = "mips64el",
    .register_bytes = 8,
    .pc_register = "pc",
    .hypercall_registers = { "v0", "a0", "a1", "a2", "a3" },
    .match_trap = gp_mips_match_trap_le,
    .matched_sizes = UINT32_C(1) << 4,
    .syscall = &mips64el_syscall,
    .forged_registers = &gp_mips_registers,
    .paging = &gp_mips64_le_user_paging,
    .timer_stall_ms = GP_MIPS_TIMER_STALL_MS,
};
