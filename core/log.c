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
