/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config_panda.h"

#include <string.h>

static bool is_valid_name(const char *name)
{
    if (!*name) {
        return false;
    }
    for (const char *c = name; *c; c++) {
        if (!g_ascii_isalnum(*c) && *c != '_' && *c != '-') {
            return false;
        }
    }
    return true;
}

static bool already_listed(GPtrArray *names, const char *name)
{
    for (guint i = 0; i < names->len; i++) {
        if (strcmp(g_ptr_array_index(names, i), name) == 0) {
            return true;
        }
    }
    return false;
}

bool gp_config_panda_parse(const char *text, size_t length, const char *source,
                           GPtrArray *names, GError **error)
{
    g_autofree char *copy = g_strndup(text, length);
    g_auto(GStrv) lines = g_strsplit(copy, "\n", -1);

    for (guint number = 1; lines[number - 1]; number++) {
        char *line = lines[number - 1];
        char *comment = strchr(line, '#');
        if (comment) {
            *comment = '\0';
        }
        g_strstrip(line);
        if (!*line) {
            continue;
        }
        if (!is_valid_name(line)) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        "%s:%u: '%s' is not a plugin name (use letters, digits, "
                        "'_' and '-', one name per line)", source, number, line);
            return false;
        }
        if (already_listed(names, line)) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                        "%s:%u: plugin '%s' is listed twice; plugin names must be "
                        "unique across all config.panda files", source, number, line);
            return false;
        }
        g_ptr_array_add(names, g_strdup(line));
    }
    return true;
}

bool gp_config_panda_load(const char *path, GPtrArray *names, GError **error)
{
    g_autofree char *text = NULL;
    gsize length = 0;

    if (!g_file_get_contents(path, &text, &length, error)) {
        return false;
    }
    return gp_config_panda_parse(text, length, path, names, error);
}
