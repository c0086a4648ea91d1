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
#include <errno.h>

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
        .errno_to_host = gp_mips_errno_to_host,                                              \
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
    .timer_stall_ms = GP_MIPS_TIMER_STALL_MS,
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
    .timer_stall_ms = GP_MIPS_TIMER_STALL_MS,
};

/* Each errno the injector or guest_daemon may report: the guest's number
 * (MIPS's asm/errno.h), its name, the host's number. */
static const struct {
    const char *name;
    int guest, host;
} errnos[] = {
#define ERRNO(lower, upper) { #upper, GP_ABI_errno_##lower, upper }
    ERRNO(eperm, EPERM), ERRNO(enoent, ENOENT), ERRNO(eintr, EINTR), ERRNO(eio, EIO),
    ERRNO(e2big, E2BIG), ERRNO(enoexec, ENOEXEC), ERRNO(ebadf, EBADF), ERRNO(eagain, EAGAIN),
    ERRNO(enomem, ENOMEM), ERRNO(eacces, EACCES), ERRNO(efault, EFAULT),
    ERRNO(eexist, EEXIST), ERRNO(enotdir, ENOTDIR), ERRNO(eisdir, EISDIR),
    ERRNO(einval, EINVAL), ERRNO(enfile, ENFILE), ERRNO(emfile, EMFILE),
    ERRNO(etxtbsy, ETXTBSY), ERRNO(enospc, ENOSPC), ERRNO(erofs, EROFS),
    ERRNO(enametoolong, ENAMETOOLONG), ERRNO(enosys, ENOSYS), ERRNO(eloop, ELOOP),
    ERRNO(eoverflow, EOVERFLOW), ERRNO(eopnotsupp, EOPNOTSUPP),
#undef ERRNO
};

static int errno_index(int guest)
{
    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++) {
        if (errnos[i].guest == guest) {
            return (int)i;
        }
    }
    return -1;
}

const char *gp_mips_errno_name(int value)
{
    int i = errno_index(value);
    return i < 0 ? NULL : errnos[i].name;
}

int gp_mips_errno_to_host(int value)
{
    int i = errno_index(value);
    return i < 0 ? 0 : errnos[i].host;
}
