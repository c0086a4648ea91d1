/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How long the guest has been running: wall-clock time in which the guest
 * executed code, in ticks of GP_GUEST_CLOCK_TICK_MS. A bound on how long
 * the guest may take to answer (guest_daemon's PONG) must not expire while
 * the VM is paused (stop, savevm, a slow QMP command) or starved of host
 * CPU, and the plugin API gives no guest clock, so this one counts a tick
 * only if some vCPU ran a block during it.
 *
 * Cost: nothing while not measuring beyond the block watch's one inline
 * test per block (block_watch.h), shared with the injector; while
 * measuring, one callback per vCPU per tick (it disarms itself until the
 * next tick).
 */
#ifndef GP_CORE_GUEST_CLOCK_H
#define GP_CORE_GUEST_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define GP_GUEST_CLOCK_TICK_MS 100u

/* Starts the clock's thread, which calls TICK every GP_GUEST_CLOCK_TICK_MS
 * of wall-clock time (measuring or not), from that thread. */
void gp_guest_clock_init(void (*tick)(void));

/* Counts run time from now on (ON) or stops counting. Any thread. */
void gp_guest_clock_measure(bool on);

/* Milliseconds the guest ran while measured, since start-up. Any thread. */
uint64_t gp_guest_clock_ms(void);

void gp_guest_clock_shutdown(void);

#endif
