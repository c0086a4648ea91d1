/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"

#include <stdio.h>

void gp_log(const char *fmt, ...)
{
    va_list ap;
    g_autofree char *line = NULL;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* One fputs per line keeps lines from concurrent vCPUs whole. */
    g_autofree char *whole = g_strdup_printf("guestplug: %s\n", line);
    fputs(whole, stderr);
    fflush(stderr);
}

char *gp_printable(const uint8_t *bytes, size_t length)
{
    GString *out = g_string_sized_new(length);
    for (size_t i = 0; i < length; i++) {
        if (bytes[i] >= 0x20 && bytes[i] < 0x7f && bytes[i] != '\\') {
            g_string_append_c(out, (char)bytes[i]);
        } else {
            g_string_append_printf(out, "\\x%02x", bytes[i]);
        }
    }
    return g_string_free(out, FALSE);
}
