/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The manager protocol on channels a guest allocates with GET_MANAGER
 * (PANDA's): 4-byte little-endian op + payload. GET_CHANNEL_FROM_NAME
 * queues the 4-byte id on the same channel (nothing if unknown, as PANDA);
 * DEBUG_OUTPUT goes to the host log. A host plugin may take the channel
 * over with gp_channel_set_recv.
 */
#ifndef GP_CORE_MANAGER_H
#define GP_CORE_MANAGER_H

#include "channel_table.h"

/* A gp_channel_recv_fn; OPAQUE is the gp_channel_table. */
void gp_manager_recv(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque);

#endif
