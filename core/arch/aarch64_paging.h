/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The aarch64 page walk (aarch64_paging.c): stage 1 of the EL1&0
 * translation regime, for EL0 accesses through TTBR0_EL1. Declared here
 * for core/arch/aarch64.c and the unit tests, which walk page tables they
 * build in a fake physical memory.
 */
#ifndef GP_CORE_ARCH_AARCH64_PAGING_H
#define GP_CORE_ARCH_AARCH64_PAGING_H

#include "arch.h"

/* Register order of gp_aarch64_user_paging.registers. */
enum { GP_AARCH64_SCTLR_EL1, GP_AARCH64_TCR_EL1, GP_AARCH64_TTBR0_EL1 };

extern const gp_user_paging gp_aarch64_user_paging;

#endif
