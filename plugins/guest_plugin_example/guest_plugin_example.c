/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guest_plugin_example: loads the guest plugin c_example into a guest that
 * has nothing preinstalled, prints the /etc entry count it sends, and ends
 * the analysis.
 *
 *   guestplug run -g x86_64 -p guest_plugin_example
 */
#include <stdio.h>
#include <sys/wait.h>

#include <guestplug/host.h>

static void on_count(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)ch, (void)opaque;
    if (len != 4) {
        fprintf(stderr, "guest_plugin_example: expected 4 bytes, got %zu\n", len);
        return;
    }
    uint32_t count = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
                     (uint32_t)data[3] << 24;
    printf("Guest `/etc` file count: %u\n", count);
    fflush(stdout);
    gp_end_analysis();
}

/* If c_example cannot run, say why and stop rather than wait forever. */
static void on_event(const char *name, gp_guest_plugin_event event, int value,
                     const char *detail, void *opaque)
{
    (void)opaque;
    if (event == GP_GUEST_PLUGIN_FAILED) {
        fprintf(stderr, "guest_plugin_example: %s failed: %s\n", name, detail);
        gp_end_analysis_with_status(1);
    } else if (event == GP_GUEST_PLUGIN_EXITED && !(WIFEXITED(value) && !WEXITSTATUS(value))) {
        fprintf(stderr, "guest_plugin_example: %s ended with wait status %d\n", name, value);
        gp_end_analysis_with_status(1);
    }
}

bool gp_plugin_init(gp_plugin *self)
{
    (void)self;
    if (gp_load_guest_plugin("c_example", on_count, NULL) == GP_CHANNEL_INVALID) {
        return false;
    }
    gp_guest_plugin_set_event_handler("c_example", on_event, NULL);
    return true;
}
