/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QEMU-facing half of hypercalls: find trap instructions at translation
 * time, attach a callback to those alone (ordinary code pays nothing), and
 * in it move registers and guest memory between QEMU and the dispatcher.
 */
#ifndef GP_CORE_TRAP_H
#define GP_CORE_TRAP_H

#include "arch/arch.h"
#include "hypercall.h"
#include "qemu/qemu-plugin-api.h"

void gp_trap_init(const gp_arch *arch, gp_channel_table *table,
                  const gp_hypercall_limits *limits);

/* QEMU callbacks, registered by core/plugin.c (QEMU keeps one callback per
 * event and plugin, so plugin.c fans each event out). */
void gp_trap_vcpu_init(void);
/* One instruction of a block being translated: BYTES[0..SIZE) at OFFSET
 * from the block's start (guest_pc.h). */
void gp_trap_translate_insn(struct qemu_plugin_insn *insn, const uint8_t *bytes, size_t size,
                            uint64_t offset);

#endif
