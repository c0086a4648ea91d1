/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host plugin API's channel functions (include/guestplug/host.h) work
 * on the one channel table the core creates at start-up. */
#ifndef GP_CORE_HOST_API_H
#define GP_CORE_HOST_API_H

#include "channel_table.h"

void gp_host_api_init(gp_channel_table *table);

#endif
