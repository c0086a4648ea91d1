/* SPDX-License-Identifier: MIT */
/*
 * guestplug host plugin API.
 *
 * A host plugin is a shared object, <name>.so, that runs inside QEMU. QEMU
 * loads guestplug's core, libguestplug.so, as its one TCG plugin; the core
 * then loads each host plugin named with `load=<name>` (the runner's
 * `-p <name>`) from the host plugin search path:
 *
 *   1. the directories in $GUESTPLUG_PLUGIN_PATH (colon separated),
 *   2. the core argument plugin_path=DIR,
 *   3. the build tree's build/plugins/,
 *   4. PREFIX/lib/guestplug/plugins/.
 *
 * Host plugins link against libguestplug.so (pkg-config guestplug-host). The
 * dynamic loader resolves that dependency to the copy QEMU already loaded, so
 * the functions below reach the running core.
 */
#ifndef GUESTPLUG_HOST_H
#define GUESTPLUG_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One loaded host plugin, owned by the core. */
typedef struct gp_plugin gp_plugin;

/*
 * Exported by the host plugin; called once, on QEMU's main thread, while
 * QEMU starts (before any guest code runs). Return false to refuse to load:
 * QEMU then exits with an error, so print why first.
 */
bool gp_plugin_init(gp_plugin *self);

/*
 * Optionally exported by the host plugin; called once when QEMU exits. No
 * guest access is possible any more.
 */
void gp_plugin_uninit(gp_plugin *self);

/*
 * The value of argument KEY given to this plugin (`-p name:KEY=value` on the
 * guestplug command line, `name.KEY=value` in the core's -plugin arguments),
 * or FALLBACK when it was not given. The string lives as long as QEMU.
 * Callable from any thread at any time.
 */
const char *gp_plugin_arg(gp_plugin *self, const char *key, const char *fallback);

/* The name this plugin was loaded under. */
const char *gp_plugin_name(const gp_plugin *self);

#ifdef __cplusplus
}
#endif

#endif
