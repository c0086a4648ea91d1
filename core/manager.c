/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "manager.h"

#include <glib.h>

#include "guestplug/abi.h"
#include "log.h"

void gp_manager_recv(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    gp_channel_table *table = opaque;

    if (len < 4) {
        gp_log("manager channel %u: message of %zu bytes has no op; ignored", ch, len);
        return;
    }
    uint32_t op = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
                  (uint32_t)data[3] << 24;
    const char *payload = (const char *)data + 4;
    size_t payload_length = len - 4;

    if (op == GP_MANAGER_GET_CHANNEL_FROM_NAME) {
        gp_channel_id found;
        if (gp_channel_table_find(table, payload, payload_length, &found) == 0) {
            uint8_t reply[4] = { (uint8_t)found, (uint8_t)(found >> 8), (uint8_t)(found >> 16),
                                 (uint8_t)(found >> 24) };
            gp_channel_table_push(table, ch, reply, sizeof reply);
        } else {
            g_autofree char *shown = gp_printable((const uint8_t *)payload,
                                                  MIN(payload_length, GP_MAX_NAME_LENGTH));
            gp_log("failed to find channel number for channel \"%s\" (manager channel %u)",
                   shown, ch);
        }
    } else if (op == GP_MANAGER_DEBUG_OUTPUT) {
        g_autofree char *text = gp_printable((const uint8_t *)payload,
                                             MIN(payload_length, GP_MAX_ERROR_TEXT));
        gp_log("guest debug (channel %u): %s", ch, text);
    } else {
        gp_log("manager channel %u: unknown op %u ignored", ch, op);
    }
}
