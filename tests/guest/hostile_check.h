/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The verdict lines of the hostile-guest programs (tests/guest/hostile_*):
 * one "ok  " or "FAIL" line per check, counted for the closing summary that
 * the integration scripts read.
 */
#ifndef GP_TESTS_HOSTILE_CHECK_H
#define GP_TESTS_HOSTILE_CHECK_H

#include <stdbool.h>
#include <stdio.h>

static unsigned passed, failed;

static void check(bool ok, const char *name, const char *what, unsigned long value)
{
    if (ok) {
        passed++;
    } else {
        failed++;
    }
    printf("%s %s: %s (0x%lx)\n", ok ? "ok  " : "FAIL", name, what, value);
    fflush(stdout);
}

#endif
