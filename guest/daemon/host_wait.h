/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How guest_daemon waits for the host's next frame on channel 0.
 *
 * A READ hypercall never blocks (a vCPU stuck in the host would stop the
 * guest), and the host has no way to wake a guest process: it can only
 * queue bytes, which the daemon must come and look for. So the daemon
 * looks often while the host is talking to it and rarely once it is not.
 * Activity is a frame from the host or a report to it (keepalive PINGs and
 * their PONGs do not count); after the last activity it looks
 *
 *   for HOST_WAIT_SPIN_NS   again at once, yielding the CPU to any other
 *                           runnable process in between: a reply the host
 *                           queues a moment later is taken at once, and no
 *                           guest process is slowed by the looking;
 *   up to HOST_WAIT_BUSY_NS every HOST_WAIT_NAP_NS;
 *   after that (idle)       every HOST_WAIT_IDLE_NS.
 *
 * Every sleep ends early when a child exits (SIGCHLD, blocked and waited
 * for, so no handler runs), so a plugin's exit is reported at once.
 */
#ifndef GP_DAEMON_HOST_WAIT_H
#define GP_DAEMON_HOST_WAIT_H

/* Under TCG one wake-up of the daemon costs the guest about 0.2 ms of CPU,
 * so naps are only for the moments the host is likely to answer; idle, the
 * daemon takes about 2% of a CPU (bench figure daemon_idle_cpu_ms_per_s). */
#define HOST_WAIT_SPIN_NS 1000000LL      /* 1 ms */
#define HOST_WAIT_BUSY_NS 100000000LL    /* 100 ms */
#define HOST_WAIT_NAP_NS 1000000L        /* 1 ms */
#define HOST_WAIT_IDLE_NS 10000000L      /* 10 ms, PANDA's poll period */

/* Blocks SIGCHLD, so that a child's exit ends a wait. The daemon's
 * children must unblock it (host_wait_release_signals) before they exec. */
void host_wait_init(void);

/* In a child about to exec: the signal mask a program expects, empty. */
void host_wait_release_signals(void);

/* The host was just heard from (or was just written to). */
void host_wait_activity(void);

/* Nothing was queued: waits as long as the time since the last activity
 * calls for (see above), or until a child exits. */
void host_wait_round(void);

#endif
