/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Each VM's private directory in $TMPDIR (sockets, the snapshot disk copy).
 * A runner that is SIGKILLed cannot remove its own, so every directory holds
 * a lock its runner keeps; the next runner removes those whose lock is free.
 */
#ifndef GP_RUNNER_RUN_DIR_H
#define GP_RUNNER_RUN_DIR_H

#include <glib.h>

/* The lock file's name inside a run directory. */
#define GP_RUN_DIR_LOCK "runner.lock"

/*
 * Removes the run directories of dead runners, then creates a new one,
 * "$TMPDIR/guestplug-XXXXXX", with its lock held on *LOCK_FD (close it to
 * release). NULL on failure.
 */
char *gp_run_dir_create(int *lock_fd, GError **error);

#endif
