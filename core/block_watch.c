/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "block_watch.h"

#include <glib.h>

#include "guest_pc.h"

static struct {
    struct qemu_plugin_scoreboard *score; /* one uint64_t mask per vCPU */
    gp_block_watch_fn handlers[GP_BLOCK_WATCHERS];
    uint64_t all;                         /* the bits of gp_block_watch_all, atomic */
} watch;

/* The mask of VCPU_INDEX: the generated code reads it at every block,
 * several threads change its bits. */
static uint64_t *mask_of(unsigned vcpu_index)
{
    return qemu_plugin_scoreboard_find(watch.score, vcpu_index);
}

static void on_block(unsigned int vcpu_index, void *userdata)
{
    (void)userdata;
    uint64_t bits = __atomic_load_n(mask_of(vcpu_index), __ATOMIC_RELAXED);
    /* Not the block's translation-time address: see guest_pc.h. */
    uint64_t block_pc = gp_guest_pc_block_start();
    for (int who = 0; who < GP_BLOCK_WATCHERS; who++) {
        if ((bits & (UINT64_C(1) << who)) && watch.handlers[who]) {
            watch.handlers[who](vcpu_index, block_pc);
        }
    }
}

void gp_block_watch_init(void)
{
    watch.score = qemu_plugin_scoreboard_new(sizeof(uint64_t));
}

void gp_block_watch_set_handler(gp_block_watcher who, gp_block_watch_fn fn)
{
    watch.handlers[who] = fn;
}

static void change(unsigned vcpu_index, uint64_t bit, bool on)
{
    if (on) {
        __atomic_fetch_or(mask_of(vcpu_index), bit, __ATOMIC_RELAXED);
    } else {
        __atomic_fetch_and(mask_of(vcpu_index), ~bit, __ATOMIC_RELAXED);
    }
}

void gp_block_watch_all(gp_block_watcher who, bool on)
{
    uint64_t bit = UINT64_C(1) << who;
    if (on) {
        __atomic_fetch_or(&watch.all, bit, __ATOMIC_RELAXED);
    } else {
        __atomic_fetch_and(&watch.all, ~bit, __ATOMIC_RELAXED);
    }
    int count = qemu_plugin_num_vcpus();
    for (int i = 0; i < count; i++) {
        change((unsigned)i, bit, on);
    }
}

void gp_block_watch_stop_one(gp_block_watcher who, unsigned vcpu_index)
{
    change(vcpu_index, UINT64_C(1) << who, false);
}

void gp_block_watch_vcpu_init(unsigned vcpu_index)
{
    __atomic_store_n(mask_of(vcpu_index), __atomic_load_n(&watch.all, __ATOMIC_RELAXED),
                     __ATOMIC_RELAXED);
}

void gp_block_watch_translate_tb(struct qemu_plugin_tb *tb)
{
    bool watched = false;
    for (int who = 0; who < GP_BLOCK_WATCHERS; who++) {
        watched |= watch.handlers[who] != NULL;
    }
    if (!watched) {
        return; /* nothing on this architecture ever watches: not even the test */
    }
    qemu_plugin_register_vcpu_tb_exec_cond_cb(tb, on_block, QEMU_PLUGIN_CB_RW_REGS_PC,
                                              QEMU_PLUGIN_COND_NE,
                                              (qemu_plugin_u64){ watch.score, 0 }, 0, NULL);
}
