/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 page walk (x86_paging.c), shared by the x86_64 and i386 targets:
 * the same CPU modes exist on both, and which one is active is read from
 * the registers at each walk. Declared here for core/arch/x86.c and the
 * unit tests, which walk page tables they build in a fake physical memory.
 */
#ifndef GP_CORE_ARCH_X86_PAGING_H
#define GP_CORE_ARCH_X86_PAGING_H

#include "arch.h"

/* Register order of gp_x86_user_paging.registers. */
enum { GP_X86_CR0, GP_X86_CR3, GP_X86_CR4, GP_X86_EFER };

extern const gp_user_paging gp_x86_user_paging;

#endif
