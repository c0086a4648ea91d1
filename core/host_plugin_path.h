/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finding a host plugin by name. Kept apart from dlopen so the search order,
 * which users rely on and the docs promise, is unit-tested on its own.
 */
#ifndef GP_CORE_HOST_PLUGIN_PATH_H
#define GP_CORE_HOST_PLUGIN_PATH_H

#include <glib.h>

/*
 * The directories searched, in order: each entry of ENV_PATH (colon
 * separated, may be NULL), ARG_PATH (may be NULL), BUILD_DIR, PREFIX_DIR.
 * Empty entries are skipped.
 */
GPtrArray *gp_host_plugin_search_dirs(const char *env_path, const char *arg_path,
                                      const char *build_dir, const char *prefix_dir);

/*
 * The path of host plugin NAME: NAME itself when it contains a '/', otherwise
 * the first DIR/NAME.so that exists. Returns NULL when none does; every path
 * tried is appended to SEARCHED as "\n  PATH" so the error can list them.
 */
char *gp_host_plugin_find(const char *name, GPtrArray *dirs, GString *searched);

#endif
