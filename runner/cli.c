/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "error.h"
#include "vm_internal.h"

int gp_cli_usage_error(GOptionContext *context, const char *message)
{
    g_autofree char *help = g_option_context_get_help(context, TRUE, NULL);
    fprintf(stderr, "guestplug: %s\n\n%s", message, help);
    return EXIT_USAGE;
}

bool gp_cli_parse(GOptionContext *context, int *argc, char ***argv)
{
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(context, argc, argv, &error)) {
        gp_cli_usage_error(context, error->message);
        return false;
    }
    return true;
}

int gp_cli_vm_failure(const gp_vm *vm)
{
    fprintf(stderr, "guestplug: %s\n", gp_vm_last_error(vm));
    switch (gp_vm_last_error_code(vm)) {
    case GP_RUN_ERROR_USAGE:
        return EXIT_USAGE;
    case GP_RUN_ERROR_TIMEOUT:
        return EXIT_TIMEOUT;
    default:
        return EXIT_FAILURE;
    }
}
