/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the runner finds things. Every lookup follows the same order, so users
 * can predict it: an environment variable, then the build tree this binary
 * came from, then the install prefix.
 */
#ifndef GP_RUNNER_PATHS_H
#define GP_RUNNER_PATHS_H

#include <glib.h>

/* Per-user cache root: $XDG_CACHE_HOME/guestplug or ~/.cache/guestplug. */
char *gp_cache_dir(void);

/* A directory shipped with guestplug (e.g. "images"), looked up under
 * $GUESTPLUG_DATA_DIR, the source tree, then PREFIX/share/guestplug. On
 * failure the error lists every place searched. */
char *gp_find_data_dir(const char *relative, GError **error);

/* libguestplug.so: $GUESTPLUG_CORE, the build tree, then PREFIX/lib/guestplug. */
char *gp_find_core_plugin(GError **error);

#endif
