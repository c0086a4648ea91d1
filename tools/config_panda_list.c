/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config-panda-list DIR...: prints "DIR NAME" for every plugin listed in each
 * DIR/config.panda. The Makefile turns this into build rules, so the parser
 * the tests cover is the one the build uses.
 */
#include <stdio.h>

#include "config_panda.h"

int main(int argc, char **argv)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

    if (argc < 2 || g_str_equal(argv[1], "--help")) {
        fprintf(argc < 2 ? stderr : stdout,
                "usage: config-panda-list DIR...\n"
                "Prints 'DIR NAME' for each plugin named in DIR/config.panda.\n");
        return argc < 2 ? 2 : 0;
    }
    for (int i = 1; i < argc; i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *path = g_build_filename(argv[i], "config.panda", NULL);
        guint before = names->len;
        if (!gp_config_panda_load(path, names, &error)) {
            fprintf(stderr, "config-panda-list: %s\n", error->message);
            return 1;
        }
        for (guint n = before; n < names->len; n++) {
            printf("%s %s\n", argv[i], (char *)g_ptr_array_index(names, n));
        }
    }
    return 0;
}
