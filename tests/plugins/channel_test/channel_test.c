/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host side of the channel tests (hermetic and in-VM). Channels:
 *   echo     every message comes back unchanged
 *   seq      4-byte LE counters; must arrive 0, 1, 2, ... in order
 *   print    every message is printed to stdout as "channel_test: print: TEXT"
 *   control  text commands, answered on control:
 *              "report"        -> "seq ok N" or "seq bad at N"
 *              "host-send N"   -> one N-byte message, byte i = i % 251
 *              "new-channel"   -> "channel ID": an anonymous echo channel
 * Every event is printed to stdout so tests can check the host's view.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guestplug/host.h>

static uint32_t seq_expected;
static uint32_t seq_bad_at = UINT32_MAX;

static void on_echo(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)opaque;
    int result = gp_channel_write(ch, data, len);
    if (result < 0) {
        printf("channel_test: echo of %zu bytes failed: %d\n", len, result);
    }
}

static void on_seq(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)ch;
    (void)opaque;
    uint32_t value = len == 4 ? (uint32_t)data[0] | (uint32_t)data[1] << 8 |
                                    (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24
                              : UINT32_MAX;
    if (value != seq_expected && seq_bad_at == UINT32_MAX) {
        seq_bad_at = seq_expected;
    }
    seq_expected++;
}

static void on_print(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)ch;
    (void)opaque;
    printf("channel_test: print: %.*s\n", (int)len, (const char *)data);
    fflush(stdout);
}

static void reply(gp_channel_id ch, const char *text)
{
    gp_channel_write(ch, text, strlen(text));
    printf("channel_test: control reply: %s\n", text);
}

static void on_control(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)opaque;
    char command[64] = { 0 };
    char answer[64];
    memcpy(command, data, len < sizeof command - 1 ? len : sizeof command - 1);

    if (strcmp(command, "report") == 0) {
        if (seq_bad_at == UINT32_MAX) {
            snprintf(answer, sizeof answer, "seq ok %" PRIu32, seq_expected);
        } else {
            snprintf(answer, sizeof answer, "seq bad at %" PRIu32, seq_bad_at);
        }
        reply(ch, answer);
    } else if (strncmp(command, "host-send ", 10) == 0) {
        size_t size = strtoul(command + 10, NULL, 10);
        uint8_t *message = malloc(size ? size : 1);
        for (size_t i = 0; i < size; i++) {
            message[i] = (uint8_t)(i % 251);
        }
        printf("channel_test: host-send %zu: %d\n", size, gp_channel_write(ch, message, size));
        free(message);
    } else if (strcmp(command, "new-channel") == 0) {
        /* Allocating from inside a callback must not deadlock. */
        gp_channel_id fresh = gp_channel_alloc(on_echo, NULL);
        snprintf(answer, sizeof answer, "channel %" PRIu32, fresh);
        reply(ch, answer);
    } else {
        printf("channel_test: unknown control command '%s'\n", command);
    }
    fflush(stdout);
}

bool gp_plugin_init(gp_plugin *self)
{
    (void)self;
    bool ok = gp_channel_create("echo", on_echo, NULL) != GP_CHANNEL_INVALID &&
              gp_channel_create("seq", on_seq, NULL) != GP_CHANNEL_INVALID &&
              gp_channel_create("print", on_print, NULL) != GP_CHANNEL_INVALID &&
              gp_channel_create("control", on_control, NULL) != GP_CHANNEL_INVALID;
    /* A second channel of the same name is an error, not a silent shadow. */
    ok = ok && gp_channel_create("echo", on_echo, NULL) == GP_CHANNEL_INVALID;
    printf("channel_test: ready (%s)\n", ok ? "channels created" : "FAILED to create channels");
    fflush(stdout);
    return ok;
}

void gp_plugin_uninit(gp_plugin *self)
{
    (void)self;
    printf("channel_test: done, %" PRIu32 " seq messages\n", seq_expected);
}
