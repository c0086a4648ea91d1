/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The channel API in one screen, host side. Creates the channel
 * "channel_example", prints every message the guest sends and answers each
 * with the same text in upper case. (Guest plugins that guestplug should
 * inject are loaded with gp_load_guest_plugin instead; see
 * plugins/guest_plugin_example.)
 *
 *   guestplug run -g x86_64 -p channel_example --copy \
 *       build/guest/x86_64/channel_example:/tmp/example -c /tmp/example
 */
#include <ctype.h>
#include <stdio.h>

#include <guestplug/host.h>

static void on_message(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    char reply[256];
    size_t n = len < sizeof reply ? len : sizeof reply;
    (void)opaque;
    printf("host got %zu bytes: %.*s\n", len, (int)len, (const char *)data);
    for (size_t i = 0; i < n; i++) {
        reply[i] = (char)toupper(data[i]);
    }
    gp_channel_write(ch, reply, n); /* queued until the guest reads */
}

bool gp_plugin_init(gp_plugin *self)
{
    (void)self;
    return gp_channel_create("channel_example", on_message, NULL) != GP_CHANNEL_INVALID;
}
