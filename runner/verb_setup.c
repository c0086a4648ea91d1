/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guestplug setup [ARGS...]: execs the setup script. The script, not C, does
 * the work because it must run before anything is built (it installs the
 * compilers) and it stays usable from a fresh clone as scripts/setup.
 */
#include "verb_setup.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The script that belongs to this binary: the source tree it was built from
 * (which also holds core/qemu/supported), then the install prefix, where
 * `make install` puts it beside qemu-supported. */
static char *find_setup_script(GString *searched)
{
    const char *candidates[] = {
        GP_SOURCE_DIR "/scripts/setup",
        GP_PREFIX "/lib/guestplug/setup",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(candidates); i++) {
        if (g_file_test(candidates[i], G_FILE_TEST_IS_REGULAR) &&
            g_file_test(candidates[i], G_FILE_TEST_IS_EXECUTABLE)) {
            return g_strdup(candidates[i]);
        }
        g_string_append_printf(searched, "\n  %s", candidates[i]);
    }
    return NULL;
}

int gp_verb_setup(int argc, char **argv)
{
    g_autoptr(GString) searched = g_string_new(NULL);
    g_autofree char *script = find_setup_script(searched);

    if (!script) {
        fprintf(stderr,
                "guestplug: cannot find guestplug's setup script; looked at:%s\n"
                "Fix: reinstall guestplug (`make install` puts it in "
                "PREFIX/lib/guestplug/setup), or run scripts/setup from a source tree.\n",
                searched->str);
        return EXIT_FAILURE;
    }
    g_autoptr(GPtrArray) command = g_ptr_array_new();
    g_ptr_array_add(command, script);
    for (int i = 1; i < argc; i++) {
        g_ptr_array_add(command, argv[i]);
    }
    g_ptr_array_add(command, NULL);
    fflush(NULL);
    execv(script, (char **)command->pdata);
    fprintf(stderr, "guestplug: could not run the setup script %s: %s\n", script,
            g_strerror(errno));
    return EXIT_FAILURE;
}
