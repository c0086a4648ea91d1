/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The core's reports to the runner, as the runner understands them (runner/analysis.c). */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis.h"

static void plugins_finish_one_by_one(void **unused)
{
    (void)unused;
    gp_analysis *analysis = gp_analysis_new(-1);
    assert_int_equal(gp_analysis_requested(analysis), 0);
    gp_analysis_take_line(analysis, "plugin c_example requested 0 ");
    gp_analysis_take_line(analysis, "plugin my_hello requested 0 ");
    assert_int_equal(gp_analysis_unfinished(analysis), 2);
    gp_analysis_take_line(analysis, "plugin c_example started 101 ");
    g_autofree char *both = gp_analysis_describe_unfinished(analysis);
    assert_string_equal(both, "c_example (still running), my_hello (not started yet)");
    gp_analysis_take_line(analysis, "plugin my_hello daemon_gone 0 guest_daemon is gone");
    g_autofree char *again = gp_analysis_describe_unfinished(analysis);
    assert_string_equal(again, "c_example (still running), my_hello (not started yet)");
    gp_analysis_take_line(analysis, "plugin c_example exited 0 ");
    gp_analysis_take_line(analysis, "plugin my_hello lost 0 the guest was reverted");
    assert_int_equal(gp_analysis_requested(analysis), 2);
    assert_int_equal(gp_analysis_unfinished(analysis), 0);
    assert_null(gp_analysis_failure(analysis));
    assert_false(gp_analysis_ended(analysis));
    gp_analysis_free(analysis);
}

static void the_first_failure_is_kept(void **unused)
{
    (void)unused;
    gp_analysis *analysis = gp_analysis_new(-1);
    gp_analysis_take_line(analysis, "plugin a requested 0 ");
    gp_analysis_take_line(analysis, "plugin a exited 768 "); /* exit(3) */
    gp_analysis_take_line(analysis, "plugin b failed 2 execve failed");
    assert_string_equal(gp_analysis_failure(analysis), "guest plugin a exited with status 3");
    gp_analysis_free(analysis);

    analysis = gp_analysis_new(-1);
    gp_analysis_take_line(analysis, "plugin b failed 0 the injection timed out after 5 s");
    assert_string_equal(gp_analysis_failure(analysis),
                        "guest plugin b could not be started: the injection timed out after 5 s");
    gp_analysis_free(analysis);

    analysis = gp_analysis_new(-1);
    gp_analysis_take_line(analysis, "plugin crash exited 11 ");
    assert_non_null(strstr(gp_analysis_failure(analysis), "guest plugin crash was killed by signal 11"));
    gp_analysis_free(analysis);
}

static void end_and_reloads(void **unused)
{
    (void)unused;
    gp_analysis *analysis = gp_analysis_new(-1);
    gp_analysis_take_line(analysis, "plugin a requested 0 ");
    gp_analysis_take_line(analysis, "plugin a exited 0 ");
    gp_analysis_take_line(analysis, "plugin a requested 0 "); /* loaded again */
    assert_int_equal(gp_analysis_unfinished(analysis), 1);
    gp_analysis_take_line(analysis, "end 4");
    gp_analysis_take_line(analysis, "end 0"); /* the first word stands */
    assert_true(gp_analysis_ended(analysis));
    assert_int_equal(gp_analysis_end_status(analysis), 4);
    gp_analysis_take_line(analysis, "garbage");
    gp_analysis_take_line(analysis, "plugin");
    gp_analysis_take_line(analysis, "plugin x started notanumber");
    assert_int_equal(gp_analysis_requested(analysis), 1);
    gp_analysis_free(analysis);
}

/* gp_vm_reload_guest_plugins: a new round, whose end is its own, and the
 * core's answer counted. */
static void a_reload_begins_a_new_round(void **unused)
{
    (void)unused;
    gp_analysis *analysis = gp_analysis_new(-1);
    gp_analysis_take_line(analysis, "plugin c_example requested 0 ");
    gp_analysis_take_line(analysis, "end 3");
    gp_analysis_take_line(analysis, "plugin c_example exited 0 ");
    assert_true(gp_analysis_ended(analysis));
    assert_int_equal(gp_analysis_reload_answers(analysis), 0);
    gp_analysis_begin_again(analysis);
    assert_false(gp_analysis_ended(analysis));
    assert_int_equal(gp_analysis_end_status(analysis), 0);
    gp_analysis_take_line(analysis, "plugin c_example requested 0 ");
    gp_analysis_take_line(analysis, "reloaded 1");
    assert_int_equal(gp_analysis_reload_answers(analysis), 1);
    assert_int_equal(gp_analysis_unfinished(analysis), 1);
    gp_analysis_take_line(analysis, "end 0");
    assert_true(gp_analysis_ended(analysis));
    assert_int_equal(gp_analysis_end_status(analysis), 0);
    gp_analysis_take_line(analysis, "reloaded 0");
    assert_int_equal(gp_analysis_reload_answers(analysis), 2);
    gp_analysis_free(analysis);
}

/* Lines arrive split across reads; EOF closes the descriptor. */
static void reads_a_pipe(void **unused)
{
    (void)unused;
    int fds[2];
    assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
    gp_analysis *analysis = gp_analysis_new(fds[0]);
    assert_int_equal(write(fds[1], "plugin a requ", 13), 13);
    gp_analysis_read(analysis);
    assert_int_equal(gp_analysis_requested(analysis), 0);
    assert_int_equal(write(fds[1], "ested 0 \nend 2\n", 15), 15);
    gp_analysis_read(analysis);
    assert_int_equal(gp_analysis_requested(analysis), 1);
    assert_int_equal(gp_analysis_end_status(analysis), 2);
    close(fds[1]);
    gp_analysis_read(analysis);
    assert_int_equal(gp_analysis_fd(analysis), -1);
    gp_analysis_free(analysis);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plugins_finish_one_by_one),
        cmocka_unit_test(the_first_failure_is_kept),
        cmocka_unit_test(end_and_reloads),
        cmocka_unit_test(a_reload_begins_a_new_round),
        cmocka_unit_test(reads_a_pipe),
    };
    return cmocka_run_group_tests_name("analysis", tests, NULL, NULL);
}
