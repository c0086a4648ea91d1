/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The injector's memory of refused processes (core/process_memo.c): a
 * refused address space is skipped without a hijack until its next check,
 * checks come at doubling intervals up to a limit, a new process in a
 * reused address space is found at the next check, and a full memo drops
 * its oldest entry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "process_memo.h"

#define SPACE_A UINT64_C(0x1000)
#define SPACE_B UINT64_C(0x2000)
#define FIRST GP_PROCESS_MEMO_FIRST_RECHECK_US

static void refused_space_is_skipped_until_its_check(void **state)
{
    (void)state;
    static gp_process_memo memo;
    gp_process_memo_clear(&memo);
    gp_process_memo_add(&memo, SPACE_A, 42, false, 0);
    assert_true(gp_process_memo_skip(&memo, SPACE_A, 0));
    assert_true(gp_process_memo_skip(&memo, SPACE_A, FIRST - 1));
    assert_false(gp_process_memo_skip(&memo, SPACE_A, FIRST));
    assert_false(gp_process_memo_skip(&memo, SPACE_B, 0));
}

static void checks_come_at_doubling_intervals_up_to_the_limit(void **state)
{
    (void)state;
    static gp_process_memo memo;
    gp_process_memo_clear(&memo);
    gp_process_memo_add(&memo, SPACE_A, 42, false, 0);
    int64_t now = FIRST, interval = FIRST;
    for (int i = 0; i < 20; i++) {
        assert_true(gp_process_memo_refused(&memo, SPACE_A, 42, now));
        interval = interval * 2 > GP_PROCESS_MEMO_LAST_RECHECK_US ? GP_PROCESS_MEMO_LAST_RECHECK_US
                                                                  : interval * 2;
        assert_true(gp_process_memo_skip(&memo, SPACE_A, now + interval - 1));
        assert_false(gp_process_memo_skip(&memo, SPACE_A, now + interval));
        now += interval;
    }
    assert_int_equal(interval, GP_PROCESS_MEMO_LAST_RECHECK_US);
}

static void new_process_in_a_reused_space_is_not_refused(void **state)
{
    (void)state;
    static gp_process_memo memo;
    gp_process_memo_clear(&memo);
    gp_process_memo_add(&memo, SPACE_A, 42, false, 0);
    assert_false(gp_process_memo_refused(&memo, SPACE_A, 43, FIRST));
    /* The stale entry is gone: the new process is asked on every call. */
    assert_false(gp_process_memo_skip(&memo, SPACE_A, FIRST));
    assert_false(gp_process_memo_refused(&memo, SPACE_A, 42, FIRST));
}

/* A process refused for its name may rename itself: at each check it is
 * asked again (refused() says no), yet its checks still come further
 * apart, refused again or not. */
static void refusal_by_name_is_asked_again_at_each_check(void **state)
{
    (void)state;
    static gp_process_memo memo;
    gp_process_memo_clear(&memo);
    gp_process_memo_add(&memo, SPACE_A, 42, true, 0);
    assert_true(gp_process_memo_skip(&memo, SPACE_A, FIRST - 1));
    assert_false(gp_process_memo_skip(&memo, SPACE_A, FIRST));
    assert_false(gp_process_memo_refused(&memo, SPACE_A, 42, FIRST));
    gp_process_memo_add(&memo, SPACE_A, 42, true, FIRST); /* still not the name */
    assert_true(gp_process_memo_skip(&memo, SPACE_A, FIRST + 2 * FIRST - 1));
    assert_false(gp_process_memo_skip(&memo, SPACE_A, FIRST + 2 * FIRST));
    /* Refused for good later (a failed step): then final, as any other. */
    gp_process_memo_add(&memo, SPACE_A, 42, false, 3 * FIRST);
    assert_true(gp_process_memo_refused(&memo, SPACE_A, 42, 3 * FIRST));
}

static void full_memo_forgets_its_oldest_entry(void **state)
{
    (void)state;
    static gp_process_memo memo;
    gp_process_memo_clear(&memo);
    for (uint64_t i = 0; i < GP_PROCESS_MEMO_SIZE; i++) {
        gp_process_memo_add(&memo, SPACE_A + i * 0x1000, i + 100, false, 0);
    }
    gp_process_memo_add(&memo, UINT64_C(0x900000), 7, false, 0);
    assert_false(gp_process_memo_skip(&memo, SPACE_A, 0));
    assert_true(gp_process_memo_skip(&memo, SPACE_A + 0x1000, 0));
    assert_true(gp_process_memo_skip(&memo, UINT64_C(0x900000), 0));
    /* Adding a space again refreshes it rather than taking a second slot. */
    gp_process_memo_add(&memo, UINT64_C(0x900000), 8, false, 0);
    assert_int_equal(memo.count, GP_PROCESS_MEMO_SIZE);
    assert_true(gp_process_memo_refused(&memo, UINT64_C(0x900000), 8, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refused_space_is_skipped_until_its_check),
        cmocka_unit_test(checks_come_at_doubling_intervals_up_to_the_limit),
        cmocka_unit_test(new_process_in_a_reused_space_is_not_refused),
        cmocka_unit_test(refusal_by_name_is_asked_again_at_each_check),
        cmocka_unit_test(full_memo_forgets_its_oldest_entry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
