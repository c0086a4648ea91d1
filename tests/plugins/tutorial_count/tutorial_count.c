/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host plugin of PANDA's guest plugin tutorial, as a user ports it: it
 * loads c_example, prints the count it sends, and nothing else. It never
 * calls gp_end_analysis() and has no event handler, so the run must end by
 * itself once c_example has exited (tests/integration/run_endings.sh).
 */
#include <stdio.h>
#include <string.h>

#include <guestplug/host.h>

static void on_count(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)ch, (void)opaque;
    uint32_t count = 0;
    memcpy(&count, data, len < sizeof count ? len : sizeof count);
    printf("Guest `/etc` file count: %u\n", count);
    fflush(stdout);
}

bool gp_plugin_init(gp_plugin *self)
{
    const char *guest = gp_plugin_arg(self, "guest", "c_example");
    return gp_load_guest_plugin(guest, on_count, NULL) != GP_CHANNEL_INVALID;
}
