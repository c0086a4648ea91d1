/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "host_api.h"

#include <errno.h>
#include <string.h>

#include <glib.h>

#include "export.h"
#include "log.h"

static gp_channel_table *channels;

void gp_host_api_init(gp_channel_table *table)
{
    channels = table;
}

static gp_channel_id add_channel(const char *name, gp_channel_recv_fn cb, void *opaque)
{
    gp_channel_id id = GP_CHANNEL_INVALID;
    int result = gp_channel_table_add(channels, name, cb, opaque, &id);
    if (result == -EEXIST) {
        gp_log("cannot create channel \"%s\": a channel of that name exists (each guest "
               "plugin may be loaded once)", name);
    } else if (result < 0) {
        gp_log("cannot create channel %s%s%s: the channel table is full", name ? "\"" : "",
               name ? name : "(anonymous)", name ? "\"" : "");
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
        gp_channel_table_find(channels, name, strlen(name), &id) < 0) {
        return GP_CHANNEL_INVALID;
    }
    return id;
}

GP_EXPORT int gp_channel_set_recv(gp_channel_id ch, gp_channel_recv_fn cb, void *opaque)
{
    return channels ? gp_channel_table_set_recv(channels, ch, cb, opaque) : -ENOENT;
}

GP_EXPORT int gp_channel_write(gp_channel_id ch, const void *buf, size_t len)
{
    if (!buf && len) {
        return -EINVAL;
    }
    return channels ? gp_channel_table_push(channels, ch, buf ? buf : "", len) : -ENOENT;
}
