/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The options that describe the guest to start, shared by `guestplug run`
 * and `guestplug snapshot save`: an own guest (--arch, --kernel, --disk,
 * ...) or, where the verb allows it, a generic image (-g), and the snapshot
 * to start from.
 */
#ifndef GP_RUNNER_GUEST_OPTIONS_H
#define GP_RUNNER_GUEST_OPTIONS_H

#include <glib.h>
#include <stdbool.h>

#include "guestplug/run.h"

typedef struct gp_guest_options {
    char *generic; /* -g ARCH; only where the verb offers it */
    char *userland; /* --userland NAME, with -g */
    char *arch, *kernel, *initrd, *disk, *disk_interface, *append, *machine, *cpu, *memory;
    char *prompt, *snapshot;
    char **qemu_args;
    int boot_timeout;
} gp_guest_options;

/* Adds the guest options, but -g (which the verb adds where it offers it),
 * to CONTEXT's main group, after the verb's own. */
void gp_guest_options_add(GOptionContext *context, gp_guest_options *options);

/*
 * After parsing: NULL when the options describe one guest, else what is
 * wrong with them (static text) for a usage error.
 */
const char *gp_guest_options_problem(const gp_guest_options *options);

/*
 * A VM for the guest, configured (its snapshot too), or NULL after printing
 * why; *EXIT_STATUS then says how to exit. COMMAND_TIMEOUT is the verb's -t.
 */
gp_vm *gp_guest_options_new_vm(const gp_guest_options *options, int command_timeout,
                               int *exit_status);

/*
 * When the guest's architecture cannot load host plugins, the message that
 * refuses them (free with g_free), else NULL. Checked before anything is
 * built, so `-g aarch64 -p X` fails at once.
 */
char *gp_guest_options_refuse_plugins(const gp_guest_options *options);

void gp_guest_options_clear(gp_guest_options *options);

#endif
