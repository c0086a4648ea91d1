/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading host plugins (<name>.so) into QEMU's process and running their hooks. */
#ifndef GP_CORE_HOST_PLUGIN_H
#define GP_CORE_HOST_PLUGIN_H

#include <glib.h>
#include <stdbool.h>

#include "core_args.h"

/*
 * Loads every plugin named by ARGS->load, in order, and runs its
 * gp_plugin_init. On failure prints the reason (PANDA's wording for a missing
 * plugin, so its troubleshooting advice applies) and returns false; plugins
 * already loaded stay loaded until gp_host_plugins_unload_all.
 */
bool gp_host_plugins_load_all(const gp_core_args *args);

/* Runs gp_plugin_uninit of every loaded plugin, last loaded first. */
void gp_host_plugins_unload_all(void);

#endif
