/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "manager.h"

#include <errno.h>

#include <glib.h>

#include "callback_context.h"
#include "guest_log.h"
#include "guestplug/abi.h"
#include "log.h"

void gp_manager_recv(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    gp_channel_table *table = opaque;
    /* Who wrote (the dispatcher's context): the reply tells it only what it
     * may see. Outside a hypercall, as no process at all. */
    gp_callback_context context = gp_callback_context_current();
    gp_caller caller = gp_caller_guest(context.address_space);
    uint64_t space = context.address_space;

    if (!context.active) {
        return;
    }
    if (len < 4) {
        gp_guest_log(GP_GUEST_LOG_MANAGER, space,
                     "manager channel %u: message of %zu bytes has no op; ignored", ch, len);
        return;
    }
    uint32_t op = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
                  (uint32_t)data[3] << 24;
    const char *payload = (const char *)data + 4;
    size_t payload_length = len - 4;

    if (op == GP_MANAGER_GET_CHANNEL_FROM_NAME) {
        gp_channel_id found;
        if (gp_channel_table_find(table, caller, payload, payload_length, &found) == 0) {
            uint8_t reply[4] = { (uint8_t)found, (uint8_t)(found >> 8), (uint8_t)(found >> 16),
                                 (uint8_t)(found >> 24) };
            if (gp_channel_table_push_within(table, ch, reply, sizeof reply,
                                             GP_MANAGER_QUEUE_LIMIT) == -ENOBUFS) {
                gp_guest_log(GP_GUEST_LOG_MANAGER, space,
                             "manager channel %u: its unread replies fill their %u bytes; "
                             "request dropped", ch, GP_MANAGER_QUEUE_LIMIT);
            }
        } else {
            g_autofree char *shown = gp_printable((const uint8_t *)payload,
                                                  MIN(payload_length, GP_MAX_NAME_LENGTH));
            gp_guest_log(GP_GUEST_LOG_LOOKUP, space,
                         "failed to find channel number for channel \"%s\" (manager channel "
                         "%u)", shown, ch);
        }
    } else if (op == GP_MANAGER_DEBUG_OUTPUT) {
        g_autofree char *text = gp_printable((const uint8_t *)payload,
                                             MIN(payload_length, GP_MAX_ERROR_TEXT));
        gp_guest_log(GP_GUEST_LOG_MANAGER, space, "guest debug (channel %u): %s", ch, text);
    } else {
        gp_guest_log(GP_GUEST_LOG_MANAGER, space, "manager channel %u: unknown op %u ignored",
                     ch, op);
    }
}
