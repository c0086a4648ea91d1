/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest plugin manager: finds guest plugins, has the injector start
 * guest_daemon when none runs, streams each plugin's ELF to the daemon over
 * channel 0 and turns the daemon's reports into host events. It pings the
 * daemon before each LOAD and while plugins depend on it, and injects a new
 * one when it is gone.
 */
#ifndef GP_CORE_GUEST_PLUGINS_H
#define GP_CORE_GUEST_PLUGINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "channel_table.h"

/* ARCH_DIR names the guest architecture's plugin directory ("x86_64").
 * guest_daemon is taken for gone when it leaves a ping unanswered for
 * PING_TIMEOUT_MS of guest run time (core setting daemon_ping_ms). */
void gp_guest_plugins_init(gp_channel_table *table, const char *arch_dir, bool can_inject,
                           unsigned ping_timeout_ms);

/* The injector finished (see gp_inject_done_fn). */
void gp_guest_plugins_injected(bool ok, const char *reason);

/* A snapshot revert: the daemon and every plugin in the guest are gone. */
void gp_guest_plugins_reset(void);

/*
 * Every guest plugin host plugins loaded that is not on its way to the
 * guest already is loaded again, with its callbacks, a fresh token and its
 * ELF read again: the runner's "reload", right after it reverted the
 * guest. A plugin still counted as running is reported LOST first (the
 * guest it ran in is gone, even if the revert's code flush has not been
 * seen yet). Returns how many were loaded again.
 */
unsigned gp_guest_plugins_reload(void);

/*
 * Where guest plugin NAME is for ARCH_DIR: the first existing of
 * BUILD_DIR/guest/ARCH/NAME and PREFIX_DIR/guest/ARCH/NAME. NULL if none;
 * the paths tried go to SEARCHED.
 */
char *gp_guest_plugin_find(const char *name, const char *arch_dir, const char *build_dir,
                           const char *prefix_dir, GString *searched);

#endif
