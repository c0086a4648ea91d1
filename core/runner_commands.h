/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the runner asks of the core while QEMU runs. The runner passes a
 * pipe's read end as runner_commands_fd=N and writes one line per command:
 *
 *   reload    load again every guest plugin host plugins have loaded
 *             (gp_guest_plugins_reload), as the runner does right after it
 *             reverted the guest (gp_vm_reload_guest_plugins); answered on
 *             the report pipe with "reloaded COUNT"
 *
 * QMP cannot reach a TCG plugin, hence the pipe. Commands are run on a
 * thread of their own, which only ever waits on the pipe.
 */
#ifndef GP_CORE_RUNNER_COMMANDS_H
#define GP_CORE_RUNNER_COMMANDS_H

/* Starts reading commands from FD (the pipe's read end, which the core
 * then owns). Does nothing for FD < 0. */
void gp_runner_commands_start(int fd);

/* Stops the reading thread (at QEMU's exit, before host plugins go). */
void gp_runner_commands_stop(void);

#endif
