/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One conditional callback at the entry of every translated block, shared
 * by the parts of the core that sometimes must see blocks run: the injector
 * catching the return of a system call it made the guest run, the guest
 * clock seeing that the guest runs at all. Each owns a bit of a per-vCPU
 * mask. Every block pays one inline test of that mask, once for all of
 * them; the callback runs only while some bit is set.
 */
#ifndef GP_CORE_BLOCK_WATCH_H
#define GP_CORE_BLOCK_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "qemu/qemu-plugin-api.h"

/* In the order their handlers are called: the injector's may not return
 * (it moves the vCPU with qemu_plugin_set_pc), so it comes last. */
typedef enum gp_block_watcher {
    GP_BLOCK_WATCH_CLOCK,
    GP_BLOCK_WATCH_INJECT,
    GP_BLOCK_WATCHERS,
} gp_block_watcher;

/* On the vCPU thread, at the entry of the block at BLOCK_PC, registers
 * readable and writable (QEMU_PLUGIN_CB_RW_REGS_PC). */
typedef void (*gp_block_watch_fn)(unsigned vcpu_index, uint64_t block_pc);

void gp_block_watch_init(void);
void gp_block_watch_set_handler(gp_block_watcher who, gp_block_watch_fn fn);

/* Watch blocks on every vCPU (ON), now and on vCPUs created later, or on
 * none. Any thread. */
void gp_block_watch_all(gp_block_watcher who, bool on);

/* Stop watching on one vCPU, until the next gp_block_watch_all. */
void gp_block_watch_stop_one(gp_block_watcher who, unsigned vcpu_index);

void gp_block_watch_vcpu_init(unsigned vcpu_index);
void gp_block_watch_translate_tb(struct qemu_plugin_tb *tb);

#endif
