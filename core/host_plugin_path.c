/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "host_plugin_path.h"

#include <string.h>

static void add_dir(GPtrArray *dirs, const char *dir)
{
    if (dir && *dir) {
        g_ptr_array_add(dirs, g_strdup(dir));
    }
}

GPtrArray *gp_host_plugin_search_dirs(const char *env_path, const char *arg_path,
                                      const char *build_dir, const char *prefix_dir)
{
    GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);

    if (env_path) {
        g_auto(GStrv) parts = g_strsplit(env_path, ":", -1);
        for (char **p = parts; *p; p++) {
            add_dir(dirs, *p);
        }
    }
    add_dir(dirs, arg_path);
    add_dir(dirs, build_dir);
    add_dir(dirs, prefix_dir);
    return dirs;
}

char *gp_host_plugin_find(const char *name, GPtrArray *dirs, GString *searched)
{
    if (strchr(name, '/')) {
        if (g_file_test(name, G_FILE_TEST_IS_REGULAR)) {
            return g_strdup(name);
        }
        g_string_append_printf(searched, "\n  %s", name);
        return NULL;
    }
    g_autofree char *file = g_strconcat(name, ".so", NULL);
    for (guint i = 0; i < dirs->len; i++) {
        char *path = g_build_filename(g_ptr_array_index(dirs, i), file, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
            return path;
        }
        g_string_append_printf(searched, "\n  %s", path);
        g_free(path);
    }
    return NULL;
}
