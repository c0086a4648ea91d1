/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The channel API in one screen, host side. Creates the channel
 * "channel_example", prints every message the guest sends and answers each
 * with the same text in upper case. (Guest plugins that guestplug should
 * inject are loaded with gp_load_guest_plugin instead, and get their
 * channel's token from guest_daemon; see plugins/guest_plugin_example.)
 *
 * A channel is only for the guest programs it is given to. This one runs a
 * program by hand, so hand it the channel with a token both sides know:
 *
 *   token=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
 *   guestplug run -g x86_64 -p channel_example:token=$token --copy \
 *       build/guest/x86_64/channel_example:/tmp/example -c "GUESTPLUG_TOKEN=$token /tmp/example"
 *
 * or, as in PANDA, let every guest process find it by name (docs/security.md
 * says what that opens):
 *
 *   guestplug run -g x86_64 --core channels=open -p channel_example --copy \
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
    gp_channel_id ch = gp_channel_create("channel_example", on_message, NULL);
    const char *token = gp_plugin_arg(self, "token", NULL);
    if (ch == GP_CHANNEL_INVALID || (token && gp_channel_set_token(ch, token) != 0)) {
        fprintf(stderr, "channel_example: cannot create the channel%s\n",
                token ? " (is token= 32 hex digits?)" : "");
        return false;
    }
    return true;
}
