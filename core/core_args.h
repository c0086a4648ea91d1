/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The core's -plugin arguments. QEMU hands them over as argv strings of the
 * form key=value. Three kinds share that space:
 *   load=NAME            load host plugin NAME (repeatable, kept in order)
 *   NAME.key=value       argument `key` of host plugin NAME
 *   key=value            a core setting (plugin_path, limits, ...)
 */
#ifndef GP_CORE_ARGS_H
#define GP_CORE_ARGS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct gp_core_args {
    GPtrArray *load;     /* char *: host plugin names in command-line order */
    GHashTable *values;  /* char * -> char *: every other key, last one wins */
} gp_core_args;

gp_core_args *gp_core_args_parse(int argc, char **argv, GError **error);
const char *gp_core_args_get(const gp_core_args *args, const char *key);
void gp_core_args_free(gp_core_args *args);

/*
 * The size setting KEY ("64M", "16k", "4096"; suffixes k/K, m/M, g/G are
 * powers of 1024), or FALLBACK when absent. Fails for malformed values, zero,
 * or values above MAXIMUM.
 */
bool gp_core_args_size(const gp_core_args *args, const char *key, uint64_t fallback,
                       uint64_t maximum, uint64_t *value, GError **error);

/*
 * The on/off setting KEY, or FALLBACK when absent. Fails for anything but
 * on or off, with a message that says what each means (MEANING_ON,
 * MEANING_OFF: "init may be hijacked too").
 */
bool gp_core_args_switch(const gp_core_args *args, const char *key, bool fallback,
                         const char *meaning_on, const char *meaning_off, bool *value,
                         GError **error);

#endif
