/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "callback_context.h"

static _Thread_local gp_callback_context current;

gp_callback_context gp_callback_context_enter(gp_channel_id channel, uint64_t address_space)
{
    gp_callback_context previous = current;
    current = (gp_callback_context){ true, channel, address_space };
    return previous;
}

void gp_callback_context_leave(gp_callback_context previous)
{
    current = previous;
}

gp_callback_context gp_callback_context_current(void)
{
    return current;
}
