/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mipsel and mips (big-endian): the o32 system-call ABI on a 32-bit
 * kernel. The number is in v0, the first four arguments in a0-a3 and the
 * fifth and sixth on the caller's stack at 16(sp) and 20(sp) (the kernel
 * reads sp+16..sp+31 on every call: scall32-o32.S); the result is in v0,
 * with a3 set when it is an errno. The numbers come from mipsel's kernel
 * headers, which are big-endian mips's too: asm/unistd.h has one o32
 * table for both byte orders.
 */
#include "abi_mipsel.h"
#include "guest_abi.h"
#include "mips.h"

#define O32_ABI(b0, b1, b2, b3, delay_slot)                                                  \
    {                                                                                        \
        .sites = { { .bytes = { (b0), (b1), (b2), (b3) }, .length = 4, .alignment = 4 } },           \
        .number_register = "v0",                                                             \
        .argument_registers = { "a0", "a1", "a2", "a3" },                                    \
        .stack_arguments_offset = 16,                                                        \
        .result_register = "v0",                                                             \
        .error_flag_register = "a3",                                                         \
        .stack_register = "sp",                                                              \
        .clobbered_registers = GP_MIPS_CLOBBERED,                                            \
        .in_delay_slot = (delay_slot),                                                       \
        .takeover_alignment = 4,                                                             \
        .mode_register = "sr",                                                               \
        .is_user_mode = gp_mips_is_user_mode,                                                \
        .pointer_bytes = 4,                                                                  \
        .errno_name = gp_mips_errno_name,                                                    \
        GP_ABI_FROM_HEADERS,                                                                 \
    }

/* syscall, 0000000c, in each byte order */
static const gp_syscall_abi mipsel_syscall =
    O32_ABI(0x0c, 0x00, 0x00, 0x00, gp_mips_in_delay_slot_le);
static const gp_syscall_abi mips_syscall =
    O32_ABI(0x00, 0x00, 0x00, 0x0c, gp_mips_in_delay_slot_be);

const gp_arch gp_arch_mipsel = {
    .target = "mipsel",
    .register_bytes = 4,
    .pc_register = "pc",
    .hypercall_registers = { "v0", "a0", "a1", "a2", "a3" },
    .match_trap = gp_mips_match_trap_le,
    .matched_sizes = UINT32_C(1) << 4,
    .syscall = &mipsel_syscall,
    .forged_registers = &gp_mips_registers,
    .paging = &gp_mips32_le_user_paging,
};

const gp_arch gp_arch_mips = {
    .target = "mips",
    .register_bytes = 4,
    .pc_register = "pc",
    .big_endian = true,
    .hypercall_registers = { "v0", "a0", "a1", "a2", "a3" },
    .match_trap = gp_mips_match_trap_be,
    .matched_sizes = UINT32_C(1) << 4,
    .syscall = &mips_syscall,
    .forged_registers = &gp_mips_registers,
    .paging = &gp_mips32_be_user_paging,
};

const char *gp_mips_errno_name(int value)
{
    static const struct {
        int value;
        const char *name;
    } names[] = {
        { GP_ABI_errno_eperm, "EPERM" }, { GP_ABI_errno_enoent, "ENOENT" },
        { GP_ABI_errno_eintr, "EINTR" }, { GP_ABI_errno_eio, "EIO" },
        { GP_ABI_errno_e2big, "E2BIG" }, { GP_ABI_errno_enoexec, "ENOEXEC" },
        { GP_ABI_errno_ebadf, "EBADF" }, { GP_ABI_errno_eagain, "EAGAIN" },
        { GP_ABI_errno_enomem, "ENOMEM" }, { GP_ABI_errno_eacces, "EACCES" },
        { GP_ABI_errno_efault, "EFAULT" }, { GP_ABI_errno_eexist, "EEXIST" },
        { GP_ABI_errno_enotdir, "ENOTDIR" }, { GP_ABI_errno_eisdir, "EISDIR" },
        { GP_ABI_errno_einval, "EINVAL" }, { GP_ABI_errno_enfile, "ENFILE" },
        { GP_ABI_errno_emfile, "EMFILE" }, { GP_ABI_errno_etxtbsy, "ETXTBSY" },
        { GP_ABI_errno_enospc, "ENOSPC" }, { GP_ABI_errno_erofs, "EROFS" },
        { GP_ABI_errno_enametoolong, "ENAMETOOLONG" }, { GP_ABI_errno_enosys, "ENOSYS" },
        { GP_ABI_errno_eloop, "ELOOP" }, { GP_ABI_errno_eoverflow, "EOVERFLOW" },
        { GP_ABI_errno_eopnotsupp, "EOPNOTSUPP" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (names[i].value == value) {
            return names[i].name;
        }
    }
    return NULL;
}
