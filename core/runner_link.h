/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef GP_CORE_RUNNER_LINK_H
#define GP_CORE_RUNNER_LINK_H

#include <stdbool.h>

/* FD: the runner's pipe from runner_fd=, or -1 when QEMU runs on its own. */
void gp_runner_link_init(int fd);

/* True when a runner listens. */
bool gp_runner_link_active(void);

/* Tells the runner that guest plugin NAME was "requested", "started",
 * "failed", "exited" or "lost" (to a snapshot revert or with its
 * guest_daemon), or that its daemon died before starting it
 * ("daemon_gone": it goes to a new one, so it is still unfinished); VALUE
 * and DETAIL as in gp_guest_plugin_event_fn. */
void gp_runner_link_guest_plugin(const char *name, const char *event, int value,
                                 const char *detail);

/* Answers the runner's "reload" (runner_commands.c): COUNT guest plugins
 * were loaded again, and their "requested" reports came before this. */
void gp_runner_link_reloaded(unsigned count);

#endif
