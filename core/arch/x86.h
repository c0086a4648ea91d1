/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the x86_64 and i386 targets share (x86.c): the trap instructions.
 * The page walk is x86_paging.h; each target's file (x86_64.c, i386.c)
 * adds its system-call ABI.
 */
#ifndef GP_CORE_ARCH_X86_H
#define GP_CORE_ARCH_X86_H

#include "arch.h"

/* cpuid, syscall, int 0x80 and sysenter are 2 bytes, our nopl 7. */
#define GP_X86_MATCHED_SIZES ((UINT32_C(1) << 2) | (UINT32_C(1) << 7))

gp_trap_kind gp_x86_match_trap(const uint8_t *bytes, size_t length, uint64_t vaddr,
                               uint64_t *resume_pc);

#endif
