/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The arm page walk (arm_paging.c): PL0 accesses through TTBR0, in the
 * long-descriptor format of LPAE kernels and the short-descriptor format
 * of the others. Declared here for core/arch/arm.c and the unit tests,
 * which walk page tables they build in a fake physical memory.
 */
#ifndef GP_CORE_ARCH_ARM_PAGING_H
#define GP_CORE_ARCH_ARM_PAGING_H

#include "arch.h"

/* Register order of gp_arm_user_paging.registers. */
enum { GP_ARM_SCTLR, GP_ARM_TTBCR, GP_ARM_TTBR0, GP_ARM_DACR };

extern const gp_user_paging gp_arm_user_paging;

#endif
