/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.panda: the list of plugins to build, one name per line. `#` starts
 * a comment, blank lines are ignored, surrounding whitespace is trimmed. A
 * name is letters, digits, '_' and '-' (it becomes a directory and a file
 * name). The format is PANDA's, so existing plugin folders keep working.
 */
#ifndef GP_TOOLS_CONFIG_PANDA_H
#define GP_TOOLS_CONFIG_PANDA_H

#include <glib.h>
#include <stdbool.h>

/*
 * Parses TEXT (LENGTH bytes, need not be NUL-terminated) and appends the names
 * to NAMES (char *, g_free). SOURCE names the file in error messages. A bad
 * name or a name already in NAMES fails with the file and line number.
 */
bool gp_config_panda_parse(const char *text, size_t length, const char *source,
                           GPtrArray *names, GError **error);

/* Reads and parses PATH; a missing file is an error. */
bool gp_config_panda_load(const char *path, GPtrArray *names, GError **error);

#endif
