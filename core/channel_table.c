/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "channel_table.h"

#include <errno.h>
#include <string.h>

#include <glib.h>

#include "channel_owners.h"

/* One host->guest message in one allocation, so that its overhead is known
 * and small (GP_MESSAGE_OVERHEAD). */
typedef struct message {
    struct message *next;
    size_t length;
    uint8_t bytes[];
} message;

typedef struct channel {
    gp_channel_id id;
    char *name;               /* NULL for anonymous channels */
    gp_channel_recv_fn recv;
    void *opaque;
    message *head, *tail;     /* host -> guest */
    size_t head_offset;       /* bytes of the head message already delivered */
    size_t queued_bytes;      /* undelivered bytes in the queue */
    size_t charged;           /* what the queue counts against its limit */
    bool private_name;        /* not everyone's under channels=open */
    bool made_by_guest;       /* by GET_MANAGER: counted, dropped at a revert */
    uint64_t creator;         /* its address space, when made_by_guest */
    bool has_token;
    gp_token token;
    gp_channel_owners owners;
} channel;

struct gp_channel_table {
    GMutex lock;
    GHashTable *by_id;          /* GUINT_TO_POINTER(id) -> channel * */
    GHashTable *by_name;        /* char * (channel's own name) -> channel * */
    GPtrArray *with_token;      /* channel *, those that have a token */
    GHashTable *made_per_space; /* guint64 * address space -> GUINT_TO_POINTER(count) */
    size_t made_by_guest;
    gp_channel_id next_id;
    gp_channel_limits limits;
};

static size_t charge_of(size_t length)
{
    return length + GP_MESSAGE_OVERHEAD;
}

static void drop_queue(channel *ch)
{
    for (message *m = ch->head, *next; m; m = next) {
        next = m->next;
        g_free(m);
    }
    ch->head = ch->tail = NULL;
    ch->head_offset = 0;
    ch->queued_bytes = 0;
    ch->charged = 0;
}

static void channel_free(gpointer data)
{
    channel *ch = data;
    drop_queue(ch);
    g_free(ch->name);
    g_free(ch);
}

gp_channel_table *gp_channel_table_new(const gp_channel_limits *limits)
{
    gp_channel_table *table = g_new0(gp_channel_table, 1);
    g_mutex_init(&table->lock);
    table->by_id = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, channel_free);
    table->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    table->with_token = g_ptr_array_new();
    table->made_per_space = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    table->next_id = 1; /* 0 is the guest_daemon's control channel */
    table->limits = *limits;
    return table;
}

void gp_channel_table_free(gp_channel_table *table)
{
    if (table) {
        g_hash_table_unref(table->made_per_space);
        g_ptr_array_unref(table->with_token);
        g_hash_table_unref(table->by_name);
        g_hash_table_unref(table->by_id);
        g_mutex_clear(&table->lock);
        g_free(table);
    }
}

const gp_channel_limits *gp_channel_table_limits(const gp_channel_table *table)
{
    return &table->limits;
}

static channel *lookup(gp_channel_table *table, gp_channel_id id)
{
    return g_hash_table_lookup(table->by_id, GUINT_TO_POINTER(id));
}

/* May CALLER see CH? A use by an owner counts for its least-recently-used
 * order. Lock held. */
static bool visible(const gp_channel_table *table, channel *ch, const gp_caller *caller)
{
    return !caller->guest || (table->limits.open && ch->name && !ch->private_name) ||
           gp_channel_owners_check(&ch->owners, caller->address_space);
}

/* CH if CALLER may see it, else NULL. Lock held. */
static channel *lookup_for(gp_channel_table *table, gp_channel_id id, const gp_caller *caller)
{
    channel *ch = lookup(table, id);
    return ch && visible(table, ch, caller) ? ch : NULL;
}

/* Called with the lock held. */
static channel *insert(gp_channel_table *table, gp_channel_id id, const char *name,
                       gp_channel_recv_fn recv, void *opaque, int *result)
{
    if (g_hash_table_size(table->by_id) >= table->limits.max_channels) {
        *result = -ENOSPC;
        return NULL;
    }
    if (lookup(table, id) || (name && g_hash_table_contains(table->by_name, name))) {
        *result = -EEXIST;
        return NULL;
    }
    channel *ch = g_new0(channel, 1);
    ch->id = id;
    ch->name = g_strdup(name);
    ch->recv = recv;
    ch->opaque = opaque;
    g_hash_table_insert(table->by_id, GUINT_TO_POINTER(id), ch);
    if (ch->name) {
        g_hash_table_insert(table->by_name, ch->name, ch);
    }
    *result = 0;
    return ch;
}

/* The next free id; never the invalid one. Lock held. */
static gp_channel_id next_free_id(gp_channel_table *table)
{
    while (lookup(table, table->next_id) || table->next_id == GP_CHANNEL_INVALID) {
        table->next_id++;
    }
    return table->next_id;
}

int gp_channel_table_add(gp_channel_table *table, const char *name, gp_channel_recv_fn recv,
                         void *opaque, gp_channel_id *id)
{
    int result;
    g_mutex_lock(&table->lock);
    channel *ch = insert(table, next_free_id(table), name, recv, opaque, &result);
    if (ch) {
        *id = table->next_id++;
    }
    g_mutex_unlock(&table->lock);
    return result;
}

int gp_channel_table_add_fixed(gp_channel_table *table, gp_channel_id id, const char *name,
                               gp_channel_recv_fn recv, void *opaque)
{
    int result = -EINVAL;
    g_mutex_lock(&table->lock);
    if (id != GP_CHANNEL_INVALID) {
        insert(table, id, name, recv, opaque, &result);
    }
    g_mutex_unlock(&table->lock);
    return result;
}

static guint made_by(gp_channel_table *table, uint64_t address_space)
{
    return GPOINTER_TO_UINT(g_hash_table_lookup(table->made_per_space, &address_space));
}

static void set_made_by(gp_channel_table *table, uint64_t address_space, guint count)
{
    if (count == 0) {
        g_hash_table_remove(table->made_per_space, &address_space);
    } else {
        g_hash_table_insert(table->made_per_space, g_memdup2(&address_space, sizeof address_space),
                            GUINT_TO_POINTER(count));
    }
}

int gp_channel_table_add_for_guest(gp_channel_table *table, uint64_t address_space,
                                   gp_channel_recv_fn recv, void *opaque, gp_channel_id *id)
{
    int result;
    g_mutex_lock(&table->lock);
    guint made = made_by(table, address_space);
    if (made >= table->limits.guest_channels_per_space) {
        result = -EMFILE;
    } else if (table->made_by_guest >= table->limits.guest_channels) {
        result = -ENFILE;
    } else {
        channel *ch = insert(table, next_free_id(table), NULL, recv, opaque, &result);
        if (ch) {
            ch->made_by_guest = true;
            ch->creator = address_space;
            gp_channel_owners_add(&ch->owners, address_space);
            set_made_by(table, address_space, made + 1);
            table->made_by_guest++;
            *id = table->next_id++;
        }
    }
    g_mutex_unlock(&table->lock);
    return result;
}

int gp_channel_table_copy_owners(gp_channel_table *table, gp_channel_id to, gp_channel_id from)
{
    g_mutex_lock(&table->lock);
    channel *target = lookup(table, to), *source = lookup(table, from);
    if (target && source) {
        target->owners = source->owners;
    }
    g_mutex_unlock(&table->lock);
    return target && source ? 0 : -ENOENT;
}

int gp_channel_table_add_owner(gp_channel_table *table, gp_channel_id id,
                               uint64_t address_space)
{
    g_mutex_lock(&table->lock);
    channel *ch = lookup(table, id);
    if (ch) {
        gp_channel_owners_add(&ch->owners, address_space);
    }
    g_mutex_unlock(&table->lock);
    return ch ? 0 : -ENOENT;
}

static channel *find_token(gp_channel_table *table, const gp_token *token)
{
    /* Every entry is compared, in constant time each: a CLAIM takes as long
     * whichever token it presents. */
    channel *found = NULL;
    for (guint i = 0; i < table->with_token->len; i++) {
        channel *ch = g_ptr_array_index(table->with_token, i);
        if (gp_token_equal(&ch->token, token)) {
            found = ch;
        }
    }
    return found;
}

int gp_channel_table_set_token(gp_channel_table *table, gp_channel_id id,
                               const gp_token *token)
{
    int result = 0;
    g_mutex_lock(&table->lock);
    channel *ch = lookup(table, id);
    channel *holder = token ? find_token(table, token) : NULL;
    if (!ch) {
        result = -ENOENT;
    } else if (holder && holder != ch) {
        result = -EEXIST;
    } else {
        if (ch->has_token) {
            g_ptr_array_remove_fast(table->with_token, ch);
        }
        ch->has_token = token != NULL;
        if (token) {
            ch->token = *token;
            g_ptr_array_add(table->with_token, ch);
        } else {
            memset(&ch->token, 0, sizeof ch->token);
        }
        gp_channel_owners_clear(&ch->owners);
    }
    g_mutex_unlock(&table->lock);
    return result;
}

int gp_channel_table_clear_owners(gp_channel_table *table, gp_channel_id id)
{
    g_mutex_lock(&table->lock);
    channel *ch = lookup(table, id);
    if (ch) {
        gp_channel_owners_clear(&ch->owners);
    }
    g_mutex_unlock(&table->lock);
    return ch ? 0 : -ENOENT;
}

int gp_channel_table_keep_private(gp_channel_table *table, gp_channel_id id)
{
    g_mutex_lock(&table->lock);
    channel *ch = lookup(table, id);
    if (ch) {
        ch->private_name = true;
    }
    g_mutex_unlock(&table->lock);
    return ch ? 0 : -ENOENT;
}

int gp_channel_table_claim(gp_channel_table *table, const gp_token *token,
                           uint64_t address_space, gp_channel_id *id)
{
    g_mutex_lock(&table->lock);
    channel *ch = find_token(table, token);
    if (ch) {
        gp_channel_owners_add(&ch->owners, address_space);
        *id = ch->id;
    }
    g_mutex_unlock(&table->lock);
    return ch ? 0 : -ENOENT;
}

int gp_channel_table_release(gp_channel_table *table, uint64_t address_space,
                             gp_channel_id id)
{
    g_mutex_lock(&table->lock);
    channel *ch = lookup(table, id);
    bool released = ch && gp_channel_owners_remove(&ch->owners, address_space);
    if (released && ch->made_by_guest && !ch->has_token && ch->owners.count == 0) {
        /* No token, no owner: nobody can reach it again. Free it, and give
         * its maker its share back, rather than leave it to whichever
         * process gets the maker's page directory next. */
        guint made = made_by(table, ch->creator);
        set_made_by(table, ch->creator, made ? made - 1 : 0);
        table->made_by_guest--;
        g_hash_table_remove(table->by_id, GUINT_TO_POINTER(id)); /* frees it */
    }
    g_mutex_unlock(&table->lock);
    return released ? 0 : -ENOENT;
}

int gp_channel_table_find(gp_channel_table *table, gp_caller caller, const char *name,
                          size_t length, gp_channel_id *id)
{
    /* A name with a NUL inside can never match a stored name. */
    if (memchr(name, '\0', length)) {
        return -ENOENT;
    }
    g_autofree char *key = g_strndup(name, length);
    g_mutex_lock(&table->lock);
    channel *ch = g_hash_table_lookup(table->by_name, key);
    if (ch && !visible(table, ch, &caller)) {
        ch = NULL;
    }
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

int gp_channel_table_receiver(gp_channel_table *table, gp_caller caller, gp_channel_id id,
                              gp_channel_recv_fn *recv, void **opaque)
{
    g_mutex_lock(&table->lock);
    channel *ch = lookup_for(table, id, &caller);
    if (ch) {
        *recv = ch->recv;
        *opaque = ch->opaque;
    }
    g_mutex_unlock(&table->lock);
    return ch ? 0 : -ENOENT;
}

int gp_channel_table_push_within(gp_channel_table *table, gp_channel_id id, const void *buf,
                                 size_t length, size_t limit)
{
    limit = MIN(limit, table->limits.queue_limit);
    if (length > limit || charge_of(length) > limit) {
        return -EMSGSIZE;
    }
    /* Copy before taking the lock: a 16 MiB memcpy must not stall vCPUs. */
    message *m = g_malloc(sizeof *m + length);
    m->next = NULL;
    m->length = length;
    if (length) {
        memcpy(m->bytes, buf, length);
    }
    int result = 0;

    g_mutex_lock(&table->lock);
    channel *ch = lookup(table, id);
    if (!ch) {
        result = -ENOENT;
    } else if (ch->charged + charge_of(length) > limit) {
        result = -ENOBUFS;
    } else {
        if (ch->tail) {
            ch->tail->next = m;
        } else {
            ch->head = m;
        }
        ch->tail = m;
        ch->queued_bytes += length;
        ch->charged += charge_of(length);
        m = NULL;
    }
    g_mutex_unlock(&table->lock);
    g_free(m);
    return result;
}

int gp_channel_table_push(gp_channel_table *table, gp_channel_id id, const void *buf,
                          size_t length)
{
    return gp_channel_table_push_within(table, id, buf, length, table->limits.queue_limit);
}

ssize_t gp_channel_table_pop(gp_channel_table *table, gp_caller caller, gp_channel_id id,
                             size_t capacity, gp_channel_deliver_fn deliver, void *context)
{
    ssize_t result = 0;
    message *consumed = NULL;

    g_mutex_lock(&table->lock);
    channel *ch = lookup_for(table, id, &caller);
    message *head = ch ? ch->head : NULL;
    if (!ch) {
        result = -ENOENT;
    } else if (head && capacity > 0) {
        size_t count = MIN(head->length - ch->head_offset, capacity);
        /* An empty message is delivered as 0 bytes and consumed; the guest
         * cannot tell it from "nothing queued", which is PANDA's meaning. */
        if (!deliver(context, head->bytes + ch->head_offset, count)) {
            result = -EFAULT;
        } else {
            ch->head_offset += count;
            ch->queued_bytes -= count;
            if (ch->head_offset == head->length) {
                ch->head = head->next;
                if (!ch->head) {
                    ch->tail = NULL;
                }
                ch->head_offset = 0;
                ch->charged -= charge_of(head->length);
                consumed = head;
            }
            result = (ssize_t)count;
        }
    }
    g_mutex_unlock(&table->lock);
    g_free(consumed); /* freed outside the lock, like it was allocated */
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

size_t gp_channel_table_revert(gp_channel_table *table)
{
    GHashTableIter iter;
    gpointer value;
    size_t reclaimed = 0;

    g_mutex_lock(&table->lock);
    g_hash_table_iter_init(&iter, table->by_id);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        channel *ch = value;
        if (ch->made_by_guest) {
            if (ch->has_token) {
                g_ptr_array_remove_fast(table->with_token, ch);
            }
            g_hash_table_iter_remove(&iter); /* frees it: anonymous, in no other table */
            reclaimed++;
            continue;
        }
        drop_queue(ch);
        gp_channel_owners_clear(&ch->owners);
    }
    g_hash_table_remove_all(table->made_per_space);
    table->made_by_guest = 0;
    g_mutex_unlock(&table->lock);
    return reclaimed;
}
