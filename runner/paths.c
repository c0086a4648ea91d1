/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "paths.h"

#include "error.h"

char *gp_cache_dir(void)
{
    return g_build_filename(g_get_user_cache_dir(), "guestplug", NULL);
}

/* Returns the first candidate that exists; otherwise fails listing them all. */
static char *first_existing(const char *what, GPtrArray *candidates,
                            GFileTest test, const char *fix, GError **error)
{
    GString *searched = g_string_new(NULL);
    char *found = NULL;

    for (guint i = 0; i < candidates->len && !found; i++) {
        const char *path = g_ptr_array_index(candidates, i);
        if (g_file_test(path, test)) {
            found = g_strdup(path);
        } else {
            g_string_append_printf(searched, "\n  %s", path);
        }
    }
    if (!found) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IO,
                    "could not find %s; searched:%s\n%s", what, searched->str, fix);
    }
    g_string_free(searched, TRUE);
    return found;
}

char *gp_find_data_dir(const char *relative, GError **error)
{
    g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func(g_free);
    const char *env = g_getenv("GUESTPLUG_DATA_DIR");

    if (env && *env) {
        g_ptr_array_add(candidates, g_build_filename(env, relative, NULL));
    }
    g_ptr_array_add(candidates, g_build_filename(GP_SOURCE_DIR, relative, NULL));
    g_ptr_array_add(candidates,
                    g_build_filename(GP_PREFIX, "share", "guestplug", relative, NULL));
    return first_existing(relative, candidates, G_FILE_TEST_IS_DIR,
                          "Set GUESTPLUG_DATA_DIR or reinstall guestplug.", error);
}

char *gp_find_core_plugin(GError **error)
{
    g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func(g_free);
    const char *env = g_getenv("GUESTPLUG_CORE");

    if (env && *env) {
        g_ptr_array_add(candidates, g_strdup(env));
    }
    g_ptr_array_add(candidates, g_build_filename(GP_BUILD_DIR, "lib", "libguestplug.so", NULL));
    g_ptr_array_add(candidates,
                    g_build_filename(GP_PREFIX, "lib", "guestplug", "libguestplug.so", NULL));
    return first_existing("libguestplug.so", candidates, G_FILE_TEST_IS_REGULAR,
                          "Run `make` in the guestplug tree, or set GUESTPLUG_CORE.", error);
}
