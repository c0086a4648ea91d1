/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host side of the channel benchmarks. Channels:
 *   sink    counts what the guest writes, does nothing else
 *   source  "fill SIZE COUNT" queues COUNT messages of SIZE bytes on source
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guestplug/host.h>

static size_t sink_bytes;

static void on_sink(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)ch, (void)data, (void)opaque;
    sink_bytes += len;
}

static void on_source(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)opaque;
    char command[64] = { 0 };
    size_t size = 0, count = 0;
    memcpy(command, data, len < sizeof command - 1 ? len : sizeof command - 1);
    if (sscanf(command, "fill %zu %zu", &size, &count) != 2) {
        fprintf(stderr, "channel_bench: bad command '%s'\n", command);
        return;
    }
    uint8_t *message = calloc(1, size);
    for (size_t i = 0; i < count; i++) {
        if (gp_channel_write(ch, message, size) < 0) {
            fprintf(stderr, "channel_bench: queue full after %zu messages\n", i);
            break;
        }
    }
    free(message);
}

bool gp_plugin_init(gp_plugin *self)
{
    (void)self;
    return gp_channel_create("sink", on_sink, NULL) != GP_CHANNEL_INVALID &&
           gp_channel_create("source", on_source, NULL) != GP_CHANNEL_INVALID;
}

void gp_plugin_uninit(gp_plugin *self)
{
    (void)self;
    fprintf(stderr, "channel_bench: sink received %zu bytes\n", sink_bytes);
}
