/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The channel table: every channel's name, receive callback, host->guest
 * queue, owners and token. Thread-safe: vCPU threads (hypercalls) and host
 * plugins (any thread) use it concurrently. No callback ever runs under the
 * table's lock, so callbacks may call back into any host API function.
 *
 * Channels belong to whoever was given them (SPEC §9). A guest caller names
 * its address space, and the table answers it only about channels that
 * address space owns: any other is "no such channel" (-ENOENT), so nothing
 * leaks, not even that it exists. The host sees every channel. A channel
 * gets owners by CLAIM with its token (gp_channel_table_set_token), by being
 * made by the guest (GET_MANAGER), or from the channel whose callback made
 * it (gp_channel_table_copy_owners). Under channels=open (LIMITS.open) named
 * channels are anyone's too, except those kept private (channel 0).
 *
 * Bounded: each queue by bytes with a fixed overhead per message, the
 * channels by number, the guest's own channels in all and per address
 * space, so that the guest can never take the room the host needs to load
 * a guest plugin.
 */
#ifndef GP_CORE_CHANNEL_TABLE_H
#define GP_CORE_CHANNEL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "guestplug/host.h"
#include "token.h"

typedef struct gp_channel_table gp_channel_table;

/* Who asks: the host (a host plugin or the core itself), which sees every
 * channel, or a guest process, known by its address space. */
typedef struct gp_caller {
    bool guest;
    uint64_t address_space; /* when GUEST */
} gp_caller;

#define GP_CALLER_HOST ((gp_caller){ .guest = false, .address_space = 0 })

static inline gp_caller gp_caller_guest(uint64_t address_space)
{
    return (gp_caller){ .guest = true, .address_space = address_space };
}

/*
 * What every queued message costs besides its bytes: its node in the queue
 * and the allocator's own header and rounding (one allocation per message,
 * at most 39 bytes of overhead on x86_64 glibc). Charged against the queue
 * limit, so that a flood of empty or tiny messages is bounded too: with
 * GBytes in a GQueue, 3 M empty messages took 234 MB while the queue
 * counted 0 bytes.
 */
#define GP_MESSAGE_OVERHEAD 64u

typedef struct gp_channel_limits {
    size_t queue_limit;    /* per channel: host->guest bytes, each message + overhead */
    size_t max_channels;   /* channels in all */
    size_t guest_channels; /* of those, made by the guest (GET_MANAGER), in all */
    size_t guest_channels_per_space; /* made by one address space */
    bool open;             /* channels=open: named channels are everyone's */
} gp_channel_limits;

gp_channel_table *gp_channel_table_new(const gp_channel_limits *limits);
void gp_channel_table_free(gp_channel_table *table);
const gp_channel_limits *gp_channel_table_limits(const gp_channel_table *table);

/*
 * Adds a host channel, owned by nobody yet. NAME may be NULL (anonymous); a
 * name already in use fails with -EEXIST, a full table with -ENOSPC. On
 * success *ID is set.
 */
int gp_channel_table_add(gp_channel_table *table, const char *name, gp_channel_recv_fn recv,
                         void *opaque, gp_channel_id *id);

/* Adds a channel under a fixed ID (the guest_daemon's 0); -EEXIST if taken. */
int gp_channel_table_add_fixed(gp_channel_table *table, gp_channel_id id, const char *name,
                               gp_channel_recv_fn recv, void *opaque);

/*
 * Adds an anonymous channel the guest process of ADDRESS_SPACE asked for
 * (GET_MANAGER), owned by it alone. -EMFILE when that address space has
 * made guest_channels_per_space, -ENFILE when the guest has made
 * guest_channels in all, -ENOSPC when the table is full.
 */
int gp_channel_table_add_for_guest(gp_channel_table *table, uint64_t address_space,
                                   gp_channel_recv_fn recv, void *opaque, gp_channel_id *id);

/* Gives channel TO the owners FROM has now; -ENOENT if either is missing. */
int gp_channel_table_copy_owners(gp_channel_table *table, gp_channel_id to,
                                 gp_channel_id from);

/* Makes ADDRESS_SPACE an owner of ID too; -ENOENT. */
int gp_channel_table_add_owner(gp_channel_table *table, gp_channel_id id,
                               uint64_t address_space);

/*
 * Makes TOKEN the one that claims ID (NULL: none) and forgets ID's owners:
 * a new token is a new holder. -ENOENT, or -EEXIST if another channel has
 * that token.
 */
int gp_channel_table_set_token(gp_channel_table *table, gp_channel_id id,
                               const gp_token *token);

/* Forgets ID's owners (its process is gone); they may claim again. */
int gp_channel_table_clear_owners(gp_channel_table *table, gp_channel_id id);

/* ID stays its owners' alone even under channels=open (channel 0). */
int gp_channel_table_keep_private(gp_channel_table *table, gp_channel_id id);

/* Binds the channel whose token is TOKEN to ADDRESS_SPACE; -ENOENT if no
 * channel has it. */
int gp_channel_table_claim(gp_channel_table *table, const gp_token *token,
                           uint64_t address_space, gp_channel_id *id);

/* ADDRESS_SPACE gives its claim on ID back (RELEASE); -ENOENT if it had none.
 * An anonymous channel the guest made, left with no owner and no token, is
 * freed. */
int gp_channel_table_release(gp_channel_table *table, uint64_t address_space,
                             gp_channel_id id);

/* The id of the channel named NAME (LENGTH bytes, no NUL needed) that
 * CALLER may see, or -ENOENT. */
int gp_channel_table_find(gp_channel_table *table, gp_caller caller, const char *name,
                          size_t length, gp_channel_id *id);

/* Replaces the receive callback of channel ID; -ENOENT if there is none. */
int gp_channel_table_set_recv(gp_channel_table *table, gp_channel_id id,
                              gp_channel_recv_fn recv, void *opaque);

/* The receive callback of ID at this moment (NULL RECV if none), if CALLER
 * may see ID; -ENOENT. */
int gp_channel_table_receiver(gp_channel_table *table, gp_caller caller, gp_channel_id id,
                              gp_channel_recv_fn *recv, void **opaque);

/*
 * Queues a copy of BUF for the guest. 0, or -ENOENT (no channel), -EMSGSIZE
 * (larger than the whole queue limit with its overhead), -ENOBUFS (queue
 * full right now).
 */
int gp_channel_table_push(gp_channel_table *table, gp_channel_id id, const void *buf,
                          size_t length);

/* As gp_channel_table_push, with the queue bounded by LIMIT (if lower than
 * the table's): for what the guest makes the core queue (manager replies). */
int gp_channel_table_push_within(gp_channel_table *table, gp_channel_id id, const void *buf,
                                 size_t length, size_t limit);

/*
 * Delivers the head of ID's queue to CALLER: up to CAPACITY bytes of the
 * first message are passed to DELIVER (under the lock; it must not call
 * back into the table). If DELIVER returns false nothing is consumed. A
 * message longer than CAPACITY keeps its rest at the front of the queue;
 * two messages are never joined. Returns the bytes delivered, 0 when
 * nothing is queued, -ENOENT for no such channel (or one CALLER may not
 * see), -EFAULT when DELIVER refused.
 */
typedef bool (*gp_channel_deliver_fn)(void *context, const uint8_t *bytes, size_t length);
ssize_t gp_channel_table_pop(gp_channel_table *table, gp_caller caller, gp_channel_id id,
                             size_t capacity, gp_channel_deliver_fn deliver, void *context);

/* Bytes queued host->guest on ID (0 for no channel), without overheads. */
size_t gp_channel_table_queued(gp_channel_table *table, gp_channel_id id);

/*
 * A snapshot revert rewound the guest: drops every queued message, removes
 * the channels the guest made (GET_MANAGER) and forgets every owner (the
 * address spaces are the snapshot's now); tokens stay, so processes of the
 * snapshot that hold one may claim again. Returns how many guest channels
 * were reclaimed.
 */
size_t gp_channel_table_revert(gp_channel_table *table);

#endif
