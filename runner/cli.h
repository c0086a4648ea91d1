/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The `guestplug` command line: one function per verb (verb_*.c), dispatched
 * by main.c, and what they share. Not part of libguestplug-run.
 */
#ifndef GP_RUNNER_CLI_H
#define GP_RUNNER_CLI_H

#include <glib.h>
#include <stdbool.h>

#include "guestplug/run.h"

/* Exit statuses: 0 success, 1 a failure (the message says what), 2 a usage
 * error (an impossible command line), 124 a timeout (as timeout(1));
 * docs/running.md has the whole table. */
#define EXIT_USAGE 2
#define EXIT_TIMEOUT 124

/* Prints MESSAGE and CONTEXT's help to stderr; returns EXIT_USAGE. */
int gp_cli_usage_error(GOptionContext *context, const char *message);

/* Parses the options of one verb; false after printing why. */
bool gp_cli_parse(GOptionContext *context, int *argc, char ***argv);

/* Prints VM's last error and returns the exit status it calls for: EXIT_USAGE
 * for a usage error, EXIT_TIMEOUT for a timeout, else 1. */
int gp_cli_vm_failure(const gp_vm *vm);

/* Each verb gets argv[0] = "guestplug VERB" and the words after the verb. */
int gp_verb_run(int argc, char **argv);
int gp_verb_snapshot(int argc, char **argv);
int gp_verb_image(int argc, char **argv);
int gp_verb_qemu(int argc, char **argv);

#endif
