/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "host_api.h"

#include <errno.h>
#include <string.h>

#include <glib.h>

#include "callback_context.h"
#include "export.h"
#include "guestplug/daemon.h"
#include "log.h"
#include "token.h"

static gp_channel_table *channels;

void gp_host_api_init(gp_channel_table *table)
{
    channels = table;
}

/*
 * A channel a host plugin makes while it runs a channel's receive callback
 * belongs to that channel's owners and to the process that wrote (the one
 * a public channel under channels=open has no owners but it): the host
 * will tell it the new id over that channel (include/guestplug/host.h).
 * Not in channel 0's callback: that is the core's, which runs host
 * plugins' event handlers, and what they make is not guest_daemon's.
 */
static void give_to_writer(gp_channel_id id)
{
    gp_callback_context context = gp_callback_context_current();
    if (context.active && context.channel != GP_DAEMON_CHANNEL) {
        gp_channel_table_copy_owners(channels, id, context.channel);
        gp_channel_table_add_owner(channels, id, context.address_space);
    }
}

static gp_channel_id add_channel(const char *name, gp_channel_recv_fn cb, void *opaque)
{
    gp_channel_id id = GP_CHANNEL_INVALID;
    int result = gp_channel_table_add(channels, name, cb, opaque, &id);
    if (result == -EEXIST) {
        gp_log("cannot create channel \"%s\": a channel of that name exists (each guest "
               "plugin may be loaded once)", name);
    } else if (result < 0) {
        gp_log("cannot create channel %s%s%s: the channel table is full (max_channels=%zu)",
               name ? "\"" : "", name ? name : "(anonymous)", name ? "\"" : "",
               gp_channel_table_limits(channels)->max_channels);
    } else {
        give_to_writer(id);
    }
    return result < 0 ? GP_CHANNEL_INVALID : id;
}

GP_EXPORT gp_channel_id gp_channel_create(const char *name, gp_channel_recv_fn cb, void *opaque)
{
    if (!channels || !name || !*name) {
        return GP_CHANNEL_INVALID;
    }
    return add_channel(name, cb, opaque);
}

GP_EXPORT gp_channel_id gp_channel_alloc(gp_channel_recv_fn cb, void *opaque)
{
    return channels ? add_channel(NULL, cb, opaque) : GP_CHANNEL_INVALID;
}

GP_EXPORT gp_channel_id gp_channel_from_name(const char *name)
{
    gp_channel_id id;
    if (!channels || !name ||
        gp_channel_table_find(channels, GP_CALLER_HOST, name, strlen(name), &id) < 0) {
        return GP_CHANNEL_INVALID;
    }
    return id;
}

GP_EXPORT int gp_channel_set_recv(gp_channel_id ch, gp_channel_recv_fn cb, void *opaque)
{
    return channels ? gp_channel_table_set_recv(channels, ch, cb, opaque) : -ENOENT;
}

GP_EXPORT int gp_channel_set_token(gp_channel_id ch, const char *token)
{
    gp_token parsed;
    if (!token || !gp_token_parse(token, strlen(token), &parsed)) {
        return -EINVAL;
    }
    if (!channels || ch == GP_DAEMON_CHANNEL) {
        return -ENOENT; /* channel 0 is guest_daemon's, and its token the core's */
    }
    return gp_channel_table_set_token(channels, ch, &parsed);
}

GP_EXPORT int gp_channel_write(gp_channel_id ch, const void *buf, size_t len)
{
    if (!buf && len) {
        return -EINVAL;
    }
    return channels ? gp_channel_table_push(channels, ch, buf ? buf : "", len) : -ENOENT;
}
