/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rate limits on host log lines the guest triggers (core/guest_log.c),
 * against a clock the test moves: each source (address space and kind of
 * line) and the guest as a whole get a budget of bytes that refills with
 * time, lines over it are counted, and the counts are reported once a
 * second and at exit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "stderr_capture.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "guest_log.h"

static int64_t fake_now;

static int64_t fake_clock(void)
{
    return fake_now;
}


static unsigned count_of(const char *text, const char *what)
{
    unsigned n = 0;
    for (const char *at = text; (at = strstr(at, what)) != NULL; at += strlen(what)) {
        n++;
    }
    return n;
}

static int setup(void **state)
{
    (void)state;
    fake_now = 1000000;
    gp_guest_log_set_clock(fake_clock);
    gp_guest_log_reset();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    gp_guest_log_set_clock(NULL);
    gp_guest_log_reset();
    return 0;
}

/* A 100-byte line. */
#define LINE "%s", "0123456789012345678901234567890123456789012345678901234567890123456789" \
                    "012345678901234567"

static void a_flood_is_cut_to_the_budget_and_counted(void **state)
{
    (void)state;
    log_capture c;
    capture_start(&c);
    for (int i = 0; i < 20000; i++) {
        gp_guest_log(GP_GUEST_LOG_ERROR, 0x1000, LINE);
    }
    char *log = capture_stop(&c);
    /* A burst of the source's budget, no more, in the same instant. */
    unsigned printed = count_of(log, "01234567\n");
    assert_true(printed > 0);
    assert_true(printed * 100 <= GP_GUEST_LOG_SOURCE_CAPACITY + 100);
    assert_true(strlen(log) <= GP_GUEST_LOG_SOURCE_CAPACITY + 512);
    g_free(log);

    /* A second later: the report, and a second's worth of lines more. */
    fake_now += G_USEC_PER_SEC;
    capture_start(&c);
    for (int i = 0; i < 20000; i++) {
        gp_guest_log(GP_GUEST_LOG_ERROR, 0x1000, LINE);
    }
    log = capture_stop(&c);
    assert_non_null(strstr(log, "lines of guest errors (ERROR op) from address space 0x1000"));
    assert_non_null(strstr(log, "guest log rate limit"));
    printed = count_of(log, "01234567\n");
    assert_true(printed > 0);
    assert_true(printed * 100 <= GP_GUEST_LOG_SOURCE_RATE + 200);
    g_free(log);

    /* At exit whatever is still counted is reported. */
    capture_start(&c);
    gp_guest_log_flush();
    log = capture_stop(&c);
    assert_non_null(strstr(log, "suppressed"));
    g_free(log);
    capture_start(&c);
    gp_guest_log_flush();
    log = capture_stop(&c);
    assert_string_equal(log, ""); /* nothing twice */
    g_free(log);
}

/* Sources are per address space and kind: a flood of one does not silence
 * another, until the guest's total budget is spent. */
static void sources_have_budgets_of_their_own_within_the_total(void **state)
{
    (void)state;
    log_capture c;
    capture_start(&c);
    for (int i = 0; i < 1000; i++) {
        gp_guest_log(GP_GUEST_LOG_ERROR, 0x1000, LINE);
    }
    gp_guest_log(GP_GUEST_LOG_LOOKUP, 0x1000, "lookup from the same process");
    gp_guest_log(GP_GUEST_LOG_ERROR, 0x2000, "error from another process");
    char *log = capture_stop(&c);
    assert_non_null(strstr(log, "lookup from the same process"));
    assert_non_null(strstr(log, "error from another process"));
    g_free(log);

    /* Many processes: the total budget holds. */
    capture_start(&c);
    for (uint64_t space = 1; space <= 2000; space++) {
        for (int i = 0; i < 50; i++) {
            gp_guest_log(GP_GUEST_LOG_MANAGER, space << 12, LINE);
        }
    }
    log = capture_stop(&c);
    assert_true(strlen(log) <= GP_GUEST_LOG_TOTAL_CAPACITY + 1024);
    g_free(log);
    capture_start(&c);
    gp_guest_log_flush();
    log = capture_stop(&c);
    assert_non_null(strstr(log, "more sources"));
    assert_true(count_of(log, "\n") <= 10); /* a few named, the rest summed up */
    g_free(log);
}

/* A line longer than the whole budget still goes out once the budget is full. */
static void a_long_line_is_not_starved(void **state)
{
    (void)state;
    g_autofree char *huge = g_strnfill(4 * GP_GUEST_LOG_SOURCE_CAPACITY, 'y');
    log_capture c;
    capture_start(&c);
    gp_guest_log(GP_GUEST_LOG_ERROR, 0x1000, "%s", huge);
    gp_guest_log(GP_GUEST_LOG_ERROR, 0x1000, "%s", huge);
    char *log = capture_stop(&c);
    assert_int_equal(count_of(log, "yyyy\n"), 1);
    g_free(log);
    fake_now += 10 * G_USEC_PER_SEC;
    capture_start(&c);
    gp_guest_log(GP_GUEST_LOG_ERROR, 0x1000, "%s", huge);
    log = capture_stop(&c);
    assert_int_equal(count_of(log, "yyyy\n"), 1);
    g_free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_flood_is_cut_to_the_budget_and_counted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(sources_have_budgets_of_their_own_within_the_total,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_long_line_is_not_starved, setup, teardown),
    };
    return cmocka_run_group_tests_name("guest_log", tests, NULL, NULL);
}
