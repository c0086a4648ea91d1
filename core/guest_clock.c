/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest_clock.h"

#include <stdatomic.h>

#include <glib.h>

#include "block_watch.h"

static struct {
    bool initialised;
    void (*tick)(void);
    atomic_bool measuring;
    atomic_bool ran;          /* a block ran since the last tick */
    atomic_uint_fast64_t elapsed_ms;
    GThread *thread;
    atomic_bool stopping;
} run_clock;

static void on_block(unsigned vcpu_index, uint64_t block_pc)
{
    (void)block_pc;
    atomic_store(&run_clock.ran, true);
    gp_block_watch_stop_one(GP_BLOCK_WATCH_CLOCK, vcpu_index); /* once per tick is enough */
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
            gp_block_watch_all(GP_BLOCK_WATCH_CLOCK, true);
        }
        run_clock.tick();
    }
    return NULL;
}

void gp_guest_clock_init(void (*tick)(void))
{
    run_clock.tick = tick;
    gp_block_watch_set_handler(GP_BLOCK_WATCH_CLOCK, on_block);
    run_clock.initialised = true;
    run_clock.thread = g_thread_new("guestplug-clock", run_ticks, NULL);
}

void gp_guest_clock_measure(bool on)
{
    if (!run_clock.initialised || atomic_exchange(&run_clock.measuring, on) == on) {
        return;
    }
    atomic_store(&run_clock.ran, false);
    gp_block_watch_all(GP_BLOCK_WATCH_CLOCK, on);
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
