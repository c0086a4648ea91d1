/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest_clock.h"

#include <stdatomic.h>

#include <glib.h>

static struct {
    bool initialised;
    void (*tick)(void);
    struct qemu_plugin_scoreboard *score;
    qemu_plugin_u64 watching; /* per vCPU, 1: the next block calls on_block */
    atomic_bool measuring;
    atomic_bool ran;          /* a block ran since the last tick */
    atomic_uint_fast64_t elapsed_ms;
    GThread *thread;
    atomic_bool stopping;
} run_clock;

static void watch_all(uint64_t value)
{
    int count = qemu_plugin_num_vcpus();
    for (int i = 0; i < count; i++) {
        qemu_plugin_u64_set(run_clock.watching, (unsigned)i, value);
    }
}

static void on_block(unsigned int vcpu_index, void *userdata)
{
    (void)userdata;
    atomic_store(&run_clock.ran, true);
    qemu_plugin_u64_set(run_clock.watching, vcpu_index, 0); /* once per tick is enough */
}

static gpointer run_ticks(gpointer unused)
{
    (void)unused;
    while (!atomic_load(&run_clock.stopping)) {
        g_usleep(GP_GUEST_CLOCK_TICK_MS * 1000);
        if (atomic_load(&run_clock.measuring)) {
            if (atomic_exchange(&run_clock.ran, false)) {
                atomic_fetch_add(&run_clock.elapsed_ms, GP_GUEST_CLOCK_TICK_MS);
            }
            watch_all(1);
        }
        run_clock.tick();
    }
    return NULL;
}

void gp_guest_clock_init(void (*tick)(void))
{
    run_clock.tick = tick;
    run_clock.score = qemu_plugin_scoreboard_new(sizeof(uint64_t));
    run_clock.watching = (qemu_plugin_u64){ run_clock.score, 0 };
    run_clock.initialised = true;
    run_clock.thread = g_thread_new("guestplug-clock", run_ticks, NULL);
}

void gp_guest_clock_vcpu_init(unsigned vcpu_index)
{
    if (run_clock.initialised) {
        qemu_plugin_u64_set(run_clock.watching, vcpu_index, atomic_load(&run_clock.measuring));
    }
}

void gp_guest_clock_translate_tb(struct qemu_plugin_tb *tb)
{
    if (run_clock.initialised) {
        qemu_plugin_register_vcpu_tb_exec_cond_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS,
                                                  QEMU_PLUGIN_COND_EQ, run_clock.watching, 1, NULL);
    }
}

void gp_guest_clock_measure(bool on)
{
    if (!run_clock.initialised || atomic_exchange(&run_clock.measuring, on) == on) {
        return;
    }
    atomic_store(&run_clock.ran, false);
    watch_all(on);
}

uint64_t gp_guest_clock_ms(void)
{
    return atomic_load(&run_clock.elapsed_ms);
}

void gp_guest_clock_shutdown(void)
{
    if (run_clock.thread) {
        atomic_store(&run_clock.stopping, true);
        g_thread_join(run_clock.thread);
        run_clock.thread = NULL;
    }
}
