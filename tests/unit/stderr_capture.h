/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Captures what the code under test writes to stderr (gp_log's host log),
 * for unit tests that assert on log lines. Include after <cmocka.h>.
 */
#ifndef GP_TESTS_STDERR_CAPTURE_H
#define GP_TESTS_STDERR_CAPTURE_H

#include <stdio.h>
#include <unistd.h>

#include <glib.h>

typedef struct log_capture {
    FILE *file;
    int saved_fd;
} log_capture;

static void capture_start(log_capture *c)
{
    fflush(stderr);
    c->file = tmpfile();
    assert_non_null(c->file);
    c->saved_fd = dup(STDERR_FILENO);
    assert_true(c->saved_fd >= 0);
    assert_true(dup2(fileno(c->file), STDERR_FILENO) >= 0);
}

/* Restores stderr and returns everything captured (g_free it). */
static char *capture_stop(log_capture *c)
{
    fflush(stderr);
    int restored = dup2(c->saved_fd, STDERR_FILENO);
    close(c->saved_fd);

    GString *text = g_string_new(NULL);
    char chunk[4096];
    size_t count;
    rewind(c->file);
    while ((count = fread(chunk, 1, sizeof chunk, c->file)) > 0) {
        g_string_append_len(text, chunk, (gssize)count);
    }
    fclose(c->file);
    assert_true(restored >= 0);
    return g_string_free(text, FALSE);
}

#endif
