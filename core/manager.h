/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The manager protocol on channels a guest allocates with GET_MANAGER
 * (PANDA's): 4-byte little-endian op + payload. GET_CHANNEL_FROM_NAME
 * queues the 4-byte id on the same channel (nothing if unknown, as PANDA)
 * if the process that asked may see that channel (it owns it, or it is
 * named and the core runs with channels=open); DEBUG_OUTPUT goes to the
 * host log (rate-limited, guest_log.h). Unread replies are bounded by
 * GP_MANAGER_QUEUE_LIMIT per channel: a guest that asks without reading
 * gets nothing more queued (17 M unread replies once took QEMU to 1.75 GB).
 * A host plugin may take the channel over with gp_channel_set_recv.
 */
#ifndef GP_CORE_MANAGER_H
#define GP_CORE_MANAGER_H

#include "channel_table.h"

/* Bytes of unread replies a manager channel may hold, overhead counted:
 * 60 replies, where PANDA's guest code reads each right after asking. */
#define GP_MANAGER_QUEUE_LIMIT 4096u

/* A gp_channel_recv_fn; OPAQUE is the gp_channel_table. */
void gp_manager_recv(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque);

#endif
