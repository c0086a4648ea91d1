/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The page-table roots of an architecture whose registers do not show them
 * (MIPS, gp_kernel_roots in arch/arch.h): the kernel's TLB refill handler,
 * recognised when QEMU translates it, says where the root is; the kernel's
 * own writes of a root into CP0, watched on the instruction, say what it
 * is. Both are forgotten at every code flush (a snapshot revert, as
 * plugin.c takes it): the reverted guest may be another boot.
 */
#ifndef GP_CORE_KERNEL_WATCH_H
#define GP_CORE_KERNEL_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "qemu/qemu-plugin-api.h"

void gp_kernel_watch_init(const gp_arch *arch);
void gp_kernel_watch_vcpu_init(unsigned vcpu_index);

/* Every new block: a kernel block may be the refill handler or hold a
 * root write. */
void gp_kernel_watch_translate_tb(struct qemu_plugin_tb *tb);

void gp_kernel_watch_reset(void);

/* The walk's registers for the process running on VCPU; false while the
 * kernel has not shown them (memory is then unreachable). */
bool gp_kernel_watch_roots(unsigned vcpu, const gp_physical_memory *memory,
                           uint64_t *registers);

#endif
