/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The channel table: every channel's name, receive callback and host->guest
 * queue. Thread-safe: vCPU threads (hypercalls) and host plugins (any
 * thread) use it concurrently. No callback ever runs under the table's lock,
 * so callbacks may call back into any host API function.
 */
#ifndef GP_CORE_CHANNEL_TABLE_H
#define GP_CORE_CHANNEL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "guestplug/host.h"

typedef struct gp_channel_table gp_channel_table;

/*
 * QUEUE_LIMIT bounds the bytes queued host->guest per channel; MAX_CHANNELS
 * bounds how many channels exist (a guest can allocate anonymous ones).
 */
gp_channel_table *gp_channel_table_new(size_t queue_limit, size_t max_channels);
void gp_channel_table_free(gp_channel_table *table);

/*
 * Adds a channel. NAME may be NULL (anonymous); a name already in use
 * fails with -EEXIST, a full table with -ENOSPC. On success *ID is set.
 */
int gp_channel_table_add(gp_channel_table *table, const char *name, gp_channel_recv_fn recv,
                         void *opaque, gp_channel_id *id);

/* Adds a channel under a fixed ID (the guest_daemon's 0); -EEXIST if taken. */
int gp_channel_table_add_fixed(gp_channel_table *table, gp_channel_id id, const char *name,
                               gp_channel_recv_fn recv, void *opaque);

/* The id of the channel named NAME (LENGTH bytes, no NUL needed), or -ENOENT. */
int gp_channel_table_find(gp_channel_table *table, const char *name, size_t length,
                          gp_channel_id *id);

/* Replaces the receive callback of channel ID; -ENOENT if there is none. */
int gp_channel_table_set_recv(gp_channel_table *table, gp_channel_id id,
                              gp_channel_recv_fn recv, void *opaque);

/* The receive callback of ID at this moment (NULL RECV if none); -ENOENT. */
int gp_channel_table_receiver(gp_channel_table *table, gp_channel_id id,
                              gp_channel_recv_fn *recv, void **opaque);

/*
 * Queues a copy of BUF for the guest. 0, or -ENOENT (no channel), -EMSGSIZE
 * (larger than the whole queue limit), -ENOBUFS (queue full right now).
 */
int gp_channel_table_push(gp_channel_table *table, gp_channel_id id, const void *buf,
                          size_t length);

/*
 * Delivers the head of ID's queue: up to CAPACITY bytes of the first message
 * are passed to DELIVER (under the lock; it must not call back into the
 * table). If DELIVER returns false nothing is consumed. A message longer
 * than CAPACITY keeps its rest at the front of the queue; two messages are
 * never joined. Returns the bytes delivered, 0 when nothing is queued,
 * -ENOENT for no such channel, -EFAULT when DELIVER refused.
 */
typedef bool (*gp_channel_deliver_fn)(void *context, const uint8_t *bytes, size_t length);
ssize_t gp_channel_table_pop(gp_channel_table *table, gp_channel_id id, size_t capacity,
                             gp_channel_deliver_fn deliver, void *context);

/* Bytes queued host->guest on ID (0 for no channel). */
size_t gp_channel_table_queued(gp_channel_table *table, gp_channel_id id);

/* Drops every queued host->guest message (a snapshot revert rewound the guest). */
void gp_channel_table_drop_queues(gp_channel_table *table);

#endif
