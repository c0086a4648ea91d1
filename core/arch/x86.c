/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 and x86_64. Our trap is `nopl disp32(%rax)` (0f 1f 80 + disp32) with
 * GP_X86_NOP_DISP: a true no-op, so the host just writes eax/rax and the
 * guest falls through with its flags intact. PANDA's trap is `cpuid` with
 * MAGIC in eax; cpuid would overwrite eax..edx, so the host skips it.
 */
#include "x86.h"

#include <string.h>

#include "guestplug/abi.h"

gp_trap_kind gp_x86_match_trap(const uint8_t *bytes, size_t length, uint64_t vaddr,
                               uint64_t *resume_pc)
{
    static const uint8_t nop[7] = { 0x0f, 0x1f, 0x80,
                                    (uint8_t)GP_X86_NOP_DISP,
                                    (uint8_t)(GP_X86_NOP_DISP >> 8),
                                    (uint8_t)(GP_X86_NOP_DISP >> 16),
                                    (uint8_t)(GP_X86_NOP_DISP >> 24) };

    if (length == sizeof nop && memcmp(bytes, nop, sizeof nop) == 0) {
        return GP_TRAP_OURS;
    }
    if (length == 2 && bytes[0] == 0x0f && bytes[1] == 0xa2) {
        *resume_pc = vaddr + 2;
        return GP_TRAP_PANDA;
    }
    return GP_TRAP_NONE;
}
