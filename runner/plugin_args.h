/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host plugin arguments as users write them after `-p NAME:`:
 *
 *   key=value,key2=value2        pairs separated by commas
 *   greeting="a, b",path='x=y'   quotes keep commas (and '=') in a value
 *   greeting=a\,b                so does a backslash before any character
 *
 * The value is everything after the first '=', so '=' needs no quoting.
 */
#ifndef GP_RUNNER_PLUGIN_ARGS_H
#define GP_RUNNER_PLUGIN_ARGS_H

#include <glib.h>

/* "key=value" strings with quotes and escapes removed, or NULL with an
 * error naming the bad argument and PLUGIN (for the message). */
GPtrArray *gp_plugin_args_parse(const char *plugin, const char *text, GError **error);

/* True if KEY may name an argument: letters, digits, '_', '-'. */
gboolean gp_plugin_arg_key_valid(const char *key, size_t length);

#endif
