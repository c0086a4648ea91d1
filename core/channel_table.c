/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "channel_table.h"

#include <errno.h>
#include <string.h>

#include <glib.h>

typedef struct channel {
    gp_channel_id id;
    char *name;               /* NULL for anonymous channels */
    gp_channel_recv_fn recv;
    void *opaque;
    GQueue queue;             /* GBytes *, host -> guest */
    size_t head_offset;       /* bytes of the head message already delivered */
    size_t queued_bytes;      /* undelivered bytes in queue */
} channel;

struct gp_channel_table {
    GMutex lock;
    GHashTable *by_id;        /* GUINT_TO_POINTER(id) -> channel * */
    GHashTable *by_name;      /* char * (channel's own name) -> channel * */
    gp_channel_id next_id;
    size_t queue_limit;
    size_t max_channels;
};

static void channel_free(gpointer data)
{
    channel *ch = data;
    g_queue_clear_full(&ch->queue, (GDestroyNotify)g_bytes_unref);
    g_free(ch->name);
    g_free(ch);
}

gp_channel_table *gp_channel_table_new(size_t queue_limit, size_t max_channels)
{
    gp_channel_table *table = g_new0(gp_channel_table, 1);
    g_mutex_init(&table->lock);
    table->by_id = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, channel_free);
    table->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    table->next_id = 1; /* 0 is the guest_daemon's control channel */
    table->queue_limit = queue_limit;
    table->max_channels = max_channels;
    return table;
}

void gp_channel_table_free(gp_channel_table *table)
{
    if (table) {
        g_hash_table_unref(table->by_name);
        g_hash_table_unref(table->by_id);
        g_mutex_clear(&table->lock);
        g_free(table);
    }
}

static channel *lookup(gp_channel_table *table, gp_channel_id id)
{
    return g_hash_table_lookup(table->by_id, GUINT_TO_POINTER(id));
}

/* Called with the lock held. */
static int insert(gp_channel_table *table, gp_channel_id id, const char *name,
                  gp_channel_recv_fn recv, void *opaque)
{
    if (g_hash_table_size(table->by_id) >= table->max_channels) {
        return -ENOSPC;
    }
    if (lookup(table, id) || (name && g_hash_table_contains(table->by_name, name))) {
        return -EEXIST;
    }
    channel *ch = g_new0(channel, 1);
    ch->id = id;
    ch->name = g_strdup(name);
    ch->recv = recv;
    ch->opaque = opaque;
    g_queue_init(&ch->queue);
    g_hash_table_insert(table->by_id, GUINT_TO_POINTER(id), ch);
    if (ch->name) {
        g_hash_table_insert(table->by_name, ch->name, ch);
    }
    return 0;
}

int gp_channel_table_add(gp_channel_table *table, const char *name, gp_channel_recv_fn recv,
                         void *opaque, gp_channel_id *id)
{
    g_mutex_lock(&table->lock);
    /* Skip ids still in use (fixed ones), and never hand out the invalid id. */
    while (lookup(table, table->next_id) || table->next_id == GP_CHANNEL_INVALID) {
        table->next_id++;
    }
    int result = insert(table, table->next_id, name, recv, opaque);
    if (result == 0) {
        *id = table->next_id++;
    }
    g_mutex_unlock(&table->lock);
    return result;
}

int gp_channel_table_add_fixed(gp_channel_table *table, gp_channel_id id, const char *name,
                               gp_channel_recv_fn recv, void *opaque)
{
    g_mutex_lock(&table->lock);
    int result = id == GP_CHANNEL_INVALID ? -EINVAL : insert(table, id, name, recv, opaque);
    g_mutex_unlock(&table->lock);
    return result;
}

int gp_channel_table_find(gp_channel_table *table, const char *name, size_t length,
                          gp_channel_id *id)
{
    /* A name with a NUL inside can never match a stored name. */
    if (memchr(name, '\0', length)) {
        return -ENOENT;
    }
    g_autofree char *key = g_strndup(name, length);
    g_mutex_lock(&table->lock);
    channel *ch = g_hash_table_lookup(table->by_name, key);
    if (ch) {
        *id = ch->id;
    }
    g_mutex_unlock(&table->lock);
    return ch ? 0 : -ENOENT;
}

int gp_channel_table_set_recv(gp_channel_table *table, gp_channel_id id,
                              gp_channel_recv_fn recv, void *opaque)
{
    g_mutex_lock(&table->lock);
    channel *ch = lookup(table, id);
    if (ch) {
        ch->recv = recv;
        ch->opaque = opaque;
    }
    g_mutex_unlock(&table->lock);
    return ch ? 0 : -ENOENT;
}

int gp_channel_table_receiver(gp_channel_table *table, gp_channel_id id,
                              gp_channel_recv_fn *recv, void **opaque)
{
    g_mutex_lock(&table->lock);
    channel *ch = lookup(table, id);
    if (ch) {
        *recv = ch->recv;
        *opaque = ch->opaque;
    }
    g_mutex_unlock(&table->lock);
    return ch ? 0 : -ENOENT;
}

int gp_channel_table_push(gp_channel_table *table, gp_channel_id id, const void *buf,
                          size_t length)
{
    if (length > table->queue_limit) {
        return -EMSGSIZE;
    }
    /* Copy before taking the lock: a 16 MiB memcpy must not stall vCPUs. */
    GBytes *message = g_bytes_new(buf, length);
    int result = 0;

    g_mutex_lock(&table->lock);
    channel *ch = lookup(table, id);
    if (!ch) {
        result = -ENOENT;
    } else if (ch->queued_bytes + length > table->queue_limit) {
        result = -ENOBUFS;
    } else {
        g_queue_push_tail(&ch->queue, message);
        ch->queued_bytes += length;
        message = NULL;
    }
    g_mutex_unlock(&table->lock);
    if (message) {
        g_bytes_unref(message);
    }
    return result;
}

ssize_t gp_channel_table_pop(gp_channel_table *table, gp_channel_id id, size_t capacity,
                             gp_channel_deliver_fn deliver, void *context)
{
    ssize_t result = 0;

    g_mutex_lock(&table->lock);
    channel *ch = lookup(table, id);
    GBytes *head = ch ? g_queue_peek_head(&ch->queue) : NULL;
    if (!ch) {
        result = -ENOENT;
    } else if (head && capacity > 0) {
        size_t size = 0;
        const uint8_t *bytes = g_bytes_get_data(head, &size);
        size_t count = MIN(size - ch->head_offset, capacity);
        /* An empty message is delivered as 0 bytes and consumed; the guest
         * cannot tell it from "nothing queued", which is PANDA's meaning. */
        /* An empty GBytes may hold a NULL pointer: never offset it. */
        const uint8_t *from = bytes ? bytes + ch->head_offset : (const uint8_t *)"";
        if (!deliver(context, from, count)) {
            result = -EFAULT;
        } else {
            ch->head_offset += count;
            ch->queued_bytes -= count;
            if (ch->head_offset == size) {
                g_bytes_unref(g_queue_pop_head(&ch->queue));
                ch->head_offset = 0;
            }
            result = (ssize_t)count;
        }
    }
    g_mutex_unlock(&table->lock);
    return result;
}

size_t gp_channel_table_queued(gp_channel_table *table, gp_channel_id id)
{
    g_mutex_lock(&table->lock);
    channel *ch = lookup(table, id);
    size_t queued = ch ? ch->queued_bytes : 0;
    g_mutex_unlock(&table->lock);
    return queued;
}

void gp_channel_table_drop_queues(gp_channel_table *table)
{
    GHashTableIter iter;
    gpointer value;

    g_mutex_lock(&table->lock);
    g_hash_table_iter_init(&iter, table->by_id);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        channel *ch = value;
        g_queue_clear_full(&ch->queue, (GDestroyNotify)g_bytes_unref);
        g_queue_init(&ch->queue);
        ch->head_offset = 0;
        ch->queued_bytes = 0;
    }
    g_mutex_unlock(&table->lock);
}
