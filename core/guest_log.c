/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest_log.h"

#include <stdbool.h>
#include <string.h>

#include "log.h"

/* Sources kept at once. A guest that makes more address spaces than this
 * only costs idle sources their place; past that, new ones share one. */
#define MAX_SOURCES 256u
/* How often suppressed lines are reported, and how many sources by name. */
#define REPORT_INTERVAL_US G_USEC_PER_SEC
#define MAX_REPORTED_SOURCES 8u
#define SHARED_SOURCE UINT64_MAX

typedef struct budget {
    uint64_t bytes;      /* what may be logged now, up to its capacity */
    int64_t refilled_us; /* when BYTES was last brought up to date */
} budget;

typedef struct source {
    uint64_t address_space;
    gp_guest_log_kind kind;
    budget budget;
    uint64_t suppressed;       /* lines not printed since the last report */
    int64_t suppressed_since_us;
} source;

static const char *const kind_names[GP_GUEST_LOG_KINDS] = {
    [GP_GUEST_LOG_ERROR] = "guest errors (ERROR op)",
    [GP_GUEST_LOG_LOOKUP] = "failed channel lookups and claims",
    [GP_GUEST_LOG_MANAGER] = "manager channel messages",
    [GP_GUEST_LOG_DAEMON] = "malformed guest_daemon frames",
    [GP_GUEST_LOG_CHANNELS] = "refused channel requests",
};

static int64_t monotonic_us(void)
{
    return g_get_monotonic_time();
}

static struct {
    GMutex lock;
    int64_t (*now_us)(void);
    GArray *sources; /* source */
    budget total;
    bool total_started;
    int64_t last_report_us;
} limiter = { .now_us = monotonic_us };

static void refill(budget *b, uint64_t capacity, uint64_t rate, int64_t now)
{
    if (now > b->refilled_us) {
        uint64_t earned = (uint64_t)(now - b->refilled_us) * rate / G_USEC_PER_SEC;
        b->bytes = MIN(capacity, b->bytes + earned);
        /* Keep the remainder of a partial byte from being lost at high call rates. */
        if (earned > 0 || b->bytes == capacity) {
            b->refilled_us = now;
        }
    }
}

/* Lock held. */
static source *find_source(gp_guest_log_kind kind, uint64_t address_space, int64_t now)
{
    if (!limiter.sources) {
        limiter.sources = g_array_new(FALSE, FALSE, sizeof(source));
    }
    for (guint i = 0; i < limiter.sources->len; i++) {
        source *s = &g_array_index(limiter.sources, source, i);
        if (s->kind == kind && s->address_space == address_space) {
            return s;
        }
    }
    if (limiter.sources->len >= MAX_SOURCES) {
        /* Forget sources that would start afresh anyway: full, nothing held back. */
        for (guint i = limiter.sources->len; i-- > 0;) {
            source *s = &g_array_index(limiter.sources, source, i);
            refill(&s->budget, GP_GUEST_LOG_SOURCE_CAPACITY, GP_GUEST_LOG_SOURCE_RATE, now);
            if (s->suppressed == 0 && s->budget.bytes == GP_GUEST_LOG_SOURCE_CAPACITY &&
                s->address_space != SHARED_SOURCE) {
                g_array_remove_index_fast(limiter.sources, i);
            }
        }
    }
    if (limiter.sources->len >= MAX_SOURCES && address_space != SHARED_SOURCE) {
        return find_source(kind, SHARED_SOURCE, now);
    }
    source fresh = { .address_space = address_space, .kind = kind,
                     .budget = { GP_GUEST_LOG_SOURCE_CAPACITY, now } };
    g_array_append_val(limiter.sources, fresh);
    return &g_array_index(limiter.sources, source, limiter.sources->len - 1);
}

static void report(const source *s, int64_t now)
{
    double seconds = (double)(now - s->suppressed_since_us) / G_USEC_PER_SEC;
    if (s->address_space == SHARED_SOURCE) {
        gp_log("suppressed %" G_GUINT64_FORMAT " lines of %s from many address spaces in "
               "%.1f s (guest log rate limit)", s->suppressed, kind_names[s->kind], seconds);
    } else {
        gp_log("suppressed %" G_GUINT64_FORMAT " lines of %s from address space 0x%"
               G_GINT64_MODIFIER "x in %.1f s (guest log rate limit)", s->suppressed,
               kind_names[s->kind], s->address_space, seconds);
    }
}

/* Reports the sources that held lines back, the first few by name. Lock held. */
static void report_suppressed(int64_t now)
{
    unsigned named = 0, others = 0;
    uint64_t other_lines = 0;
    limiter.last_report_us = now;
    for (guint i = 0; limiter.sources && i < limiter.sources->len; i++) {
        source *s = &g_array_index(limiter.sources, source, i);
        if (s->suppressed == 0) {
            continue;
        }
        if (named < MAX_REPORTED_SOURCES) {
            report(s, now);
            named++;
        } else {
            others++;
            other_lines += s->suppressed;
        }
        s->suppressed = 0;
    }
    if (others) {
        gp_log("suppressed %" G_GUINT64_FORMAT " more lines from %u more sources (guest log "
               "rate limit)", other_lines, others);
    }
}

void gp_guest_log(gp_guest_log_kind kind, uint64_t address_space, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* A line longer than a whole budget may still go out, once it is full. */
    uint64_t cost = MIN(strlen(line) + sizeof "guestplug: \n", GP_GUEST_LOG_SOURCE_CAPACITY);

    g_mutex_lock(&limiter.lock);
    int64_t now = limiter.now_us();
    if (!limiter.total_started) {
        limiter.total = (budget){ GP_GUEST_LOG_TOTAL_CAPACITY, now };
        limiter.total_started = true;
        limiter.last_report_us = now;
    }
    refill(&limiter.total, GP_GUEST_LOG_TOTAL_CAPACITY, GP_GUEST_LOG_TOTAL_RATE, now);
    source *s = find_source(kind, address_space, now);
    refill(&s->budget, GP_GUEST_LOG_SOURCE_CAPACITY, GP_GUEST_LOG_SOURCE_RATE, now);
    if (s->budget.bytes >= cost && limiter.total.bytes >= cost) {
        s->budget.bytes -= cost;
        limiter.total.bytes -= cost;
        gp_log("%s", line);
    } else {
        if (s->suppressed++ == 0) {
            s->suppressed_since_us = now;
        }
    }
    if (now - limiter.last_report_us >= REPORT_INTERVAL_US) {
        report_suppressed(now);
    }
    g_mutex_unlock(&limiter.lock);
}

void gp_guest_log_flush(void)
{
    g_mutex_lock(&limiter.lock);
    report_suppressed(limiter.now_us());
    g_mutex_unlock(&limiter.lock);
}

void gp_guest_log_set_clock(int64_t (*now_us)(void))
{
    g_mutex_lock(&limiter.lock);
    limiter.now_us = now_us ? now_us : monotonic_us;
    g_mutex_unlock(&limiter.lock);
}

void gp_guest_log_reset(void)
{
    g_mutex_lock(&limiter.lock);
    if (limiter.sources) {
        g_array_set_size(limiter.sources, 0);
    }
    limiter.total_started = false;
    g_mutex_unlock(&limiter.lock);
}
