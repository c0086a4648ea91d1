/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host log lines a guest can trigger (its ERROR texts, failed name lookups
 * and claims, manager messages, malformed guest_daemon frames, refused
 * channel requests), rate-limited so that no guest process can flood the
 * host's stderr: without a limit, 20 000 ERROR ops and 20 000 failed
 * lookups wrote 85 MB in 0.16 s.
 *
 * Each source, an address space and a kind of line, has a budget of bytes
 * that refills with time; so has the guest as a whole, for processes that
 * come and go. A line over budget is counted, not printed, and at most once
 * a second (and at exit) the counts are reported: "suppressed N lines of
 * KIND from address space X". Every line still goes through gp_log, escaped
 * by the caller (gp_printable).
 */
#ifndef GP_CORE_GUEST_LOG_H
#define GP_CORE_GUEST_LOG_H

#include <stdint.h>

#include <glib.h>

typedef enum gp_guest_log_kind {
    GP_GUEST_LOG_ERROR,    /* ERROR op texts */
    GP_GUEST_LOG_LOOKUP,   /* failed name lookups and claims */
    GP_GUEST_LOG_MANAGER,  /* manager channel messages: debug output, bad requests */
    GP_GUEST_LOG_DAEMON,   /* malformed guest_daemon frames */
    GP_GUEST_LOG_CHANNELS, /* channel requests refused: a share used up */
    GP_GUEST_LOG_KINDS
} gp_guest_log_kind;

/* Budgets, in bytes of log text: a burst of CAPACITY, refilled at RATE per
 * second; per source and for the whole guest. */
#define GP_GUEST_LOG_SOURCE_CAPACITY (16u * 1024u)
#define GP_GUEST_LOG_SOURCE_RATE (4u * 1024u)
#define GP_GUEST_LOG_TOTAL_CAPACITY (64u * 1024u)
#define GP_GUEST_LOG_TOTAL_RATE (16u * 1024u)

/* Logs one line for the process of ADDRESS_SPACE, if its budgets allow. */
void gp_guest_log(gp_guest_log_kind kind, uint64_t address_space, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* Reports every count of suppressed lines now (QEMU exits). */
void gp_guest_log_flush(void);

/* Tests: a clock in microseconds instead of the monotonic one (NULL: back
 * to it), and forgetting every source and budget. */
void gp_guest_log_set_clock(int64_t (*now_us)(void));
void gp_guest_log_reset(void);

#endif
