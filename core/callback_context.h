/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which guest WRITE's receive callback this thread is running, if any: the
 * channel and the address space of the process that wrote. The dispatcher
 * sets it around the callback; the core's own callbacks (the manager) use
 * it to answer only what that process may see, and the host API uses it to
 * give a channel a host plugin makes inside a callback to the process that
 * asked (include/guestplug/host.h). Per thread, so concurrent vCPUs do not
 * see each other's.
 */
#ifndef GP_CORE_CALLBACK_CONTEXT_H
#define GP_CORE_CALLBACK_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "guestplug/host.h"

typedef struct gp_callback_context {
    bool active;
    gp_channel_id channel;
    uint64_t address_space;
} gp_callback_context;

/* Enters the callback of CHANNEL for ADDRESS_SPACE; returns what was there
 * before, for gp_callback_context_leave. */
gp_callback_context gp_callback_context_enter(gp_channel_id channel, uint64_t address_space);
void gp_callback_context_leave(gp_callback_context previous);

/* This thread's current context (active false outside callbacks). */
gp_callback_context gp_callback_context_current(void);

#endif
