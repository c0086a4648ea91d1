/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One QEMU child process and its private directory (QMP and serial sockets).
 * The promise users rely on: no QEMU, socket or directory outlives the
 * runner, whether it ends normally, by SIGINT/SIGTERM, or because QEMU
 * crashed. A fatal signal runs an async-signal-safe cleanup of every live
 * process; PR_SET_PDEATHSIG covers the runner being SIGKILLed.
 */
#ifndef GP_RUNNER_QEMU_PROCESS_H
#define GP_RUNNER_QEMU_PROCESS_H

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

typedef struct gp_qemu_process gp_qemu_process;

/* A private directory for one VM's sockets, registered for cleanup. */
gp_qemu_process *gp_qemu_process_new(GError **error);

/* DIR/NAME; the file is removed with the directory. */
char *gp_qemu_process_path(gp_qemu_process *process, const char *name);

/*
 * Starts ARGV (NULL-terminated). QEMU's stdout is the runner's (host plugins
 * print there); its stderr is copied through to the runner's stderr line by
 * line and its tail kept for error messages.
 */
bool gp_qemu_process_spawn(gp_qemu_process *process, char **argv, GError **error);

/* True while QEMU runs; once it has exited, *WAIT_STATUS holds its status. */
bool gp_qemu_process_running(gp_qemu_process *process, int *wait_status);

/* Waits up to TIMEOUT_MS for QEMU to exit; true if it did. */
bool gp_qemu_process_wait(gp_qemu_process *process, int timeout_ms, int *wait_status);

/*
 * Sets ERROR to "QEMU exited with status 1 while WHILE_DOING" (or "was
 * killed by signal N (...)") followed by the last lines QEMU wrote to stderr.
 */
void gp_qemu_process_exit_error(gp_qemu_process *process, int wait_status,
                                const char *while_doing, GError **error);

/* Kills QEMU if still running (SIGTERM, then SIGKILL), removes the
 * directory and frees everything. */
void gp_qemu_process_free(gp_qemu_process *process);

#endif
