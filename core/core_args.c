/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "core_args.h"

#include <string.h>

gp_core_args *gp_core_args_parse(int argc, char **argv, GError **error)
{
    gp_core_args *args = g_new0(gp_core_args, 1);

    args->load = g_ptr_array_new_with_free_func(g_free);
    args->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (int i = 0; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        if (!eq || eq == argv[i]) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "argument '%s' is not of the form key=value; pass "
                        "-plugin file=libguestplug.so,key=value,...", argv[i]);
            gp_core_args_free(args);
            return NULL;
        }
        g_autofree char *key = g_strndup(argv[i], (gsize)(eq - argv[i]));
        if (strcmp(key, "load") == 0) {
            if (eq[1] == '\0') {
                g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            "load= needs a host plugin name, e.g. load=guest_plugin_example");
                gp_core_args_free(args);
                return NULL;
            }
            g_ptr_array_add(args->load, g_strdup(eq + 1));
        } else {
            g_hash_table_insert(args->values, g_steal_pointer(&key), g_strdup(eq + 1));
        }
    }
    return args;
}

const char *gp_core_args_get(const gp_core_args *args, const char *key)
{
    return g_hash_table_lookup(args->values, key);
}

void gp_core_args_free(gp_core_args *args)
{
    if (args) {
        g_ptr_array_unref(args->load);
        g_hash_table_unref(args->values);
        g_free(args);
    }
}

bool gp_core_args_size(const gp_core_args *args, const char *key, uint64_t fallback,
                       uint64_t maximum, uint64_t *value, GError **error)
{
    const char *text = gp_core_args_get(args, key);
    char *end = NULL;

    if (!text) {
        *value = fallback;
        return true;
    }
    guint64 number = g_ascii_strtoull(text, &end, 10);
    unsigned shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: break;
    }
    if (end == text || *end != '\0' || number == 0 || number > (maximum >> shift)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "%s=%s is not a size between 1 and %" G_GUINT64_FORMAT
                    " bytes (e.g. 64M, 16k, 4096)", key, text, maximum);
        return false;
    }
    *value = number << shift;
    return true;
}

bool gp_core_args_switch(const gp_core_args *args, const char *key, bool fallback,
                         const char *meaning_on, const char *meaning_off, bool *value,
                         GError **error)
{
    const char *text = gp_core_args_get(args, key);
    if (!text || strcmp(text, "on") == 0 || strcmp(text, "off") == 0) {
        *value = text ? strcmp(text, "on") == 0 : fallback;
        return true;
    }
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "%s=%s: use on (%s%s) or off (%s%s)", key, text, meaning_on,
                fallback ? ", the default" : "", meaning_off, fallback ? "" : ", the default");
    return false;
}
