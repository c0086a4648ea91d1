/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "plugin_args.h"

#include <string.h>

#include "error.h"

gboolean gp_plugin_arg_key_valid(const char *key, size_t length)
{
    if (length == 0) {
        return FALSE;
    }
    for (size_t i = 0; i < length; i++) {
        if (!g_ascii_isalnum(key[i]) && key[i] != '_' && key[i] != '-') {
            return FALSE;
        }
    }
    return TRUE;
}

/* Checks one unquoted "key=value" and adds it to PAIRS. */
static gboolean take_pair(const char *plugin, GString *pair, GPtrArray *pairs, GError **error)
{
    const char *eq = strchr(pair->str, '=');
    if (!eq) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_USAGE,
                    "argument '%s' of host plugin %s is not key=value (write -p %s:%s=VALUE)",
                    pair->str, plugin, plugin, pair->str);
        return FALSE;
    }
    if (!gp_plugin_arg_key_valid(pair->str, (size_t)(eq - pair->str))) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_USAGE,
                    "argument '%s' of host plugin %s has no valid key before '=' (keys are "
                    "letters, digits, '_' and '-')", pair->str, plugin);
        return FALSE;
    }
    g_ptr_array_add(pairs, g_strdup(pair->str));
    g_string_truncate(pair, 0);
    return TRUE;
}

GPtrArray *gp_plugin_args_parse(const char *plugin, const char *text, GError **error)
{
    g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GString) pair = g_string_new(NULL);
    char quote = 0;
    gboolean pending = FALSE; /* something (maybe an empty quoted value) since the last comma */

    for (const char *c = text ? text : ""; *c; c++) {
        if (*c == '\\' && c[1]) {
            g_string_append_c(pair, *++c);
            pending = TRUE;
        } else if (quote) {
            if (*c == quote) {
                quote = 0;
            } else {
                g_string_append_c(pair, *c);
            }
        } else if (*c == '"' || *c == '\'') {
            quote = *c;
            pending = TRUE;
        } else if (*c == ',') {
            if (pending && !take_pair(plugin, pair, pairs, error)) {
                return NULL;
            }
            pending = FALSE;
        } else {
            g_string_append_c(pair, *c);
            pending = TRUE;
        }
    }
    if (quote) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_USAGE,
                    "arguments of host plugin %s: the quote %c is never closed in '%s'",
                    plugin, quote, text);
        return NULL;
    }
    if (pending && !take_pair(plugin, pair, pairs, error)) {
        return NULL;
    }
    return g_steal_pointer(&pairs);
}
