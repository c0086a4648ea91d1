/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The channel table on its own (core/channel_table.c, channel_owners.c,
 * token.c): who owns a channel and how it gets owners, tokens, the limits
 * on queues and channels, and what a snapshot revert does. The dispatcher
 * on top of it is tests/unit/test_hypercall.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <malloc.h>
#include <string.h>

#include <glib.h>

#include "channel_owners.h"
#include "channel_table.h"
#include "token.h"

#define SPACE_A UINT64_C(0x1000)
#define SPACE_B UINT64_C(0x2000)
#define SPACE_C UINT64_C(0x3000)

static gp_channel_table *new_table(size_t queue_limit, size_t max_channels,
                                   size_t guest_channels, size_t per_space, bool open)
{
    gp_channel_limits limits = { queue_limit, max_channels, guest_channels, per_space, open };
    return gp_channel_table_new(&limits);
}

static bool take_all(void *context, const uint8_t *bytes, size_t length)
{
    (void)context, (void)bytes, (void)length;
    return true;
}

static ssize_t pop_as(gp_channel_table *table, uint64_t space, gp_channel_id id)
{
    return gp_channel_table_pop(table, gp_caller_guest(space), id, 1 << 20, take_all, NULL);
}

/* ---- tokens ------------------------------------------------------------ */

static void tokens_are_random_hex_and_parse_back(void **unused)
{
    (void)unused;
    gp_token a, b, parsed;
    char text[GP_TOKEN_LENGTH + 1];
    assert_true(gp_token_generate(&a));
    assert_true(gp_token_generate(&b));
    assert_false(gp_token_equal(&a, &b)); /* 2^-128 */
    gp_token_format(&a, text);
    assert_int_equal(strlen(text), GP_TOKEN_LENGTH);
    assert_int_equal(strspn(text, "0123456789abcdef"), GP_TOKEN_LENGTH);
    assert_true(gp_token_parse(text, GP_TOKEN_LENGTH, &parsed));
    assert_true(gp_token_equal(&a, &parsed));

    assert_false(gp_token_parse(text, GP_TOKEN_LENGTH - 1, &parsed));
    assert_false(gp_token_parse(text, GP_TOKEN_LENGTH + 1, &parsed));
    text[5] = 'g';
    assert_false(gp_token_parse(text, GP_TOKEN_LENGTH, &parsed));
    text[5] = ' ';
    assert_false(gp_token_parse(text, GP_TOKEN_LENGTH, &parsed));
    assert_true(gp_token_parse("00112233445566778899AABBCCDDEEFF", GP_TOKEN_LENGTH, &parsed));
    assert_int_equal(parsed.bytes[15], 0xff);
}

/* ---- owners ------------------------------------------------------------ */

static void owner_sets_are_bounded_and_evict_the_least_recently_used(void **unused)
{
    (void)unused;
    gp_channel_owners owners;
    gp_channel_owners_clear(&owners);
    assert_false(gp_channel_owners_check(&owners, SPACE_A));
    for (uint64_t i = 1; i <= GP_CHANNEL_MAX_OWNERS; i++) {
        gp_channel_owners_add(&owners, i << 12);
    }
    assert_int_equal(owners.count, GP_CHANNEL_MAX_OWNERS);
    /* Adding one that is there changes nothing. */
    gp_channel_owners_add(&owners, UINT64_C(3) << 12);
    assert_int_equal(owners.count, GP_CHANNEL_MAX_OWNERS);
    /* 1 is used now, so 2 is the least recently used and gives way. */
    assert_true(gp_channel_owners_check(&owners, UINT64_C(1) << 12));
    gp_channel_owners_add(&owners, UINT64_C(100) << 12);
    assert_int_equal(owners.count, GP_CHANNEL_MAX_OWNERS);
    assert_true(gp_channel_owners_check(&owners, UINT64_C(100) << 12));
    assert_true(gp_channel_owners_check(&owners, UINT64_C(1) << 12));
    assert_false(gp_channel_owners_check(&owners, UINT64_C(2) << 12));
    for (uint64_t i = 4; i <= GP_CHANNEL_MAX_OWNERS; i++) {
        assert_true(gp_channel_owners_check(&owners, i << 12));
    }
    gp_channel_owners_clear(&owners);
    assert_false(gp_channel_owners_check(&owners, UINT64_C(1) << 12));
}

static void channels_are_owned_by_token_claims_only(void **unused)
{
    (void)unused;
    gp_channel_table *table = new_table(4096, 16, 8, 4, false);
    gp_channel_id a, b, claimed;
    gp_token token, other;
    assert_true(gp_token_generate(&token));
    assert_true(gp_token_generate(&other));
    assert_int_equal(gp_channel_table_add(table, "a", NULL, NULL, &a), 0);
    assert_int_equal(gp_channel_table_add(table, "b", NULL, NULL, &b), 0);
    assert_int_equal(gp_channel_table_push(table, a, "x", 1), 0);

    /* Nobody owns a new host channel. */
    assert_int_equal(pop_as(table, SPACE_A, a), -ENOENT);
    assert_int_equal(gp_channel_table_claim(table, &token, SPACE_A, &claimed), -ENOENT);
    assert_int_equal(gp_channel_table_set_token(table, a, &token), 0);
    assert_int_equal(gp_channel_table_set_token(table, b, &token), -EEXIST);
    assert_int_equal(gp_channel_table_set_token(table, 999, &token), -ENOENT);
    assert_int_equal(gp_channel_table_claim(table, &other, SPACE_A, &claimed), -ENOENT);
    assert_int_equal(gp_channel_table_claim(table, &token, SPACE_A, &claimed), 0);
    assert_int_equal(claimed, a);
    assert_int_equal(pop_as(table, SPACE_B, a), -ENOENT);
    assert_int_equal(gp_channel_table_queued(table, a), 1);
    assert_int_equal(pop_as(table, SPACE_A, a), 1);
    /* The host sees everything. */
    assert_int_equal(gp_channel_table_pop(table, GP_CALLER_HOST, b, 1, take_all, NULL), 0);

    /* Owners can be copied (a channel made in a callback) and cleared. */
    assert_int_equal(gp_channel_table_copy_owners(table, b, a), 0);
    assert_int_equal(pop_as(table, SPACE_A, b), 0);
    assert_int_equal(gp_channel_table_copy_owners(table, b, 999), -ENOENT);
    assert_int_equal(gp_channel_table_clear_owners(table, a), 0);
    assert_int_equal(pop_as(table, SPACE_A, a), -ENOENT);
    assert_int_equal(gp_channel_table_clear_owners(table, 999), -ENOENT);
    /* A token moves between channels only once its old channel lost it. */
    assert_int_equal(gp_channel_table_set_token(table, a, NULL), 0);
    assert_int_equal(gp_channel_table_set_token(table, b, &token), 0);
    assert_int_equal(gp_channel_table_claim(table, &token, SPACE_B, &claimed), 0);
    assert_int_equal(claimed, b);
    gp_channel_table_free(table);
}

static void finding_by_name_sees_only_what_the_caller_may(void **unused)
{
    (void)unused;
    gp_channel_table *closed = new_table(4096, 16, 8, 4, false);
    gp_channel_table *open = new_table(4096, 16, 8, 4, true);
    gp_channel_id id, found;
    gp_token token;
    assert_true(gp_token_generate(&token));

    for (int i = 0; i < 2; i++) {
        gp_channel_table *table = i ? open : closed;
        assert_int_equal(gp_channel_table_add(table, "named", NULL, NULL, &id), 0);
        assert_int_equal(gp_channel_table_add_fixed(table, 0, "guest_daemon", NULL, NULL), 0);
        assert_int_equal(gp_channel_table_keep_private(table, 0), 0);
        assert_int_equal(gp_channel_table_find(table, GP_CALLER_HOST, "named", 5, &found), 0);
        assert_int_equal(found, id);
        assert_int_equal(gp_channel_table_find(table, GP_CALLER_HOST, "guest_daemon", 12,
                                               &found), 0);
        assert_int_equal(gp_channel_table_find(table, gp_caller_guest(SPACE_A), "guest_daemon",
                                               12, &found), -ENOENT);
        assert_int_equal(gp_channel_table_find(table, gp_caller_guest(SPACE_A), "named", 5,
                                               &found), i ? 0 : -ENOENT);
    }
    /* Once claimed, a closed table finds it for its owner. */
    assert_int_equal(gp_channel_table_find(closed, GP_CALLER_HOST, "named", 5, &id), 0);
    assert_int_equal(gp_channel_table_set_token(closed, id, &token), 0);
    assert_int_equal(gp_channel_table_claim(closed, &token, SPACE_A, &found), 0);
    assert_int_equal(gp_channel_table_find(closed, gp_caller_guest(SPACE_A), "named", 5,
                                           &found), 0);
    assert_int_equal(gp_channel_table_find(closed, gp_caller_guest(SPACE_B), "named", 5,
                                           &found), -ENOENT);
    gp_channel_table_free(closed);
    gp_channel_table_free(open);
}

/* ---- limits ------------------------------------------------------------ */

static void guest_channels_have_shares_and_the_host_keeps_the_rest(void **unused)
{
    (void)unused;
    gp_channel_table *table = new_table(4096, 6, 3, 2, false);
    gp_channel_id id;

    assert_int_equal(gp_channel_table_add_for_guest(table, SPACE_A, NULL, NULL, &id), 0);
    assert_int_equal(pop_as(table, SPACE_A, id), 0);
    assert_int_equal(pop_as(table, SPACE_B, id), -ENOENT);
    assert_int_equal(gp_channel_table_add_for_guest(table, SPACE_A, NULL, NULL, &id), 0);
    assert_int_equal(gp_channel_table_add_for_guest(table, SPACE_A, NULL, NULL, &id), -EMFILE);
    assert_int_equal(gp_channel_table_add_for_guest(table, SPACE_B, NULL, NULL, &id), 0);
    assert_int_equal(gp_channel_table_add_for_guest(table, SPACE_B, NULL, NULL, &id), -ENFILE);
    /* Three of six are the host's, whatever the guest did. */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(gp_channel_table_add(table, NULL, NULL, NULL, &id), 0);
    }
    assert_int_equal(gp_channel_table_add(table, NULL, NULL, NULL, &id), -ENOSPC);
    gp_channel_table_free(table);

    /* With a table full of host channels the guest gets none either. */
    table = new_table(4096, 2, 1, 1, false);
    assert_int_equal(gp_channel_table_add(table, NULL, NULL, NULL, &id), 0);
    assert_int_equal(gp_channel_table_add(table, NULL, NULL, NULL, &id), 0);
    assert_int_equal(gp_channel_table_add_for_guest(table, SPACE_A, NULL, NULL, &id), -ENOSPC);
    gp_channel_table_free(table);
}

/* A process that gives back an anonymous channel it made gets its share
 * back, and a later process with its page directory finds nothing there. */
static void releasing_a_made_channel_frees_it(void **unused)
{
    (void)unused;
    gp_channel_table *table = new_table(4096, 6, 2, 1, false);
    gp_channel_id made, again, host;

    assert_int_equal(gp_channel_table_add_for_guest(table, SPACE_A, NULL, NULL, &made), 0);
    assert_int_equal(gp_channel_table_add_for_guest(table, SPACE_A, NULL, NULL, &again), -EMFILE);
    assert_int_equal(gp_channel_table_release(table, SPACE_B, made), -ENOENT);
    assert_int_equal(pop_as(table, SPACE_A, made), 0);
    assert_int_equal(gp_channel_table_release(table, SPACE_A, made), 0);
    assert_int_equal(pop_as(table, SPACE_A, made), -ENOENT);
    assert_int_equal(gp_channel_table_push(table, made, "x", 1), -ENOENT);
    assert_int_equal(gp_channel_table_release(table, SPACE_A, made), -ENOENT);
    assert_int_equal(gp_channel_table_revert(table), 0); /* nothing left to reclaim */
    assert_int_equal(gp_channel_table_add_for_guest(table, SPACE_A, NULL, NULL, &again), 0);
    assert_int_equal(gp_channel_table_add_for_guest(table, SPACE_B, NULL, NULL, &made), 0);
    assert_int_equal(gp_channel_table_add_for_guest(table, SPACE_C, NULL, NULL, &made), -ENFILE);

    /* A host channel (a token's) stays when its last owner gives it back. */
    gp_token token;
    assert_true(gp_token_generate(&token));
    assert_int_equal(gp_channel_table_add(table, "plugin", NULL, NULL, &host), 0);
    assert_int_equal(gp_channel_table_set_token(table, host, &token), 0);
    assert_int_equal(gp_channel_table_claim(table, &token, SPACE_A, &host), 0);
    assert_int_equal(gp_channel_table_release(table, SPACE_A, host), 0);
    assert_int_equal(gp_channel_table_push(table, host, "x", 1), 0);
    assert_int_equal(gp_channel_table_claim(table, &token, SPACE_A, &host), 0);
    assert_int_equal(pop_as(table, SPACE_A, host), 1);
    gp_channel_table_free(table);
}

static void revert_drops_guest_channels_queues_and_owners(void **unused)
{
    (void)unused;
    gp_channel_table *table = new_table(4096, 8, 4, 2, false);
    gp_channel_id host, made, claimed;
    gp_token token;
    assert_true(gp_token_generate(&token));
    assert_int_equal(gp_channel_table_add(table, "plugin", NULL, NULL, &host), 0);
    assert_int_equal(gp_channel_table_set_token(table, host, &token), 0);
    assert_int_equal(gp_channel_table_claim(table, &token, SPACE_A, &claimed), 0);
    assert_int_equal(gp_channel_table_add_for_guest(table, SPACE_A, NULL, NULL, &made), 0);
    assert_int_equal(gp_channel_table_add_for_guest(table, SPACE_A, NULL, NULL, &made), 0);
    assert_int_equal(gp_channel_table_push(table, host, "old", 3), 0);
    assert_int_equal(gp_channel_table_push(table, made, "old", 3), 0);

    assert_int_equal(gp_channel_table_revert(table), 2);
    assert_int_equal(gp_channel_table_push(table, made, "x", 1), -ENOENT);
    assert_int_equal(gp_channel_table_queued(table, host), 0);
    assert_int_equal(pop_as(table, SPACE_A, host), -ENOENT);
    /* The host channel and its token survive; the guest's shares are back. */
    assert_int_equal(gp_channel_table_claim(table, &token, SPACE_A, &claimed), 0);
    assert_int_equal(pop_as(table, SPACE_A, host), 0);
    assert_int_equal(gp_channel_table_add_for_guest(table, SPACE_A, NULL, NULL, &made), 0);
    assert_int_equal(gp_channel_table_add_for_guest(table, SPACE_A, NULL, NULL, &made), 0);
    assert_int_equal(gp_channel_table_revert(table), 2);
    assert_int_equal(gp_channel_table_revert(table), 0);
    gp_channel_table_free(table);
}

/* Empty messages cost their overhead: a flood of them is bounded too. */
static void every_message_counts_its_overhead(void **unused)
{
    (void)unused;
    const size_t limit = 64 * 1024;
    gp_channel_table *table = new_table(limit, 4, 1, 1, false);
    gp_channel_id id;
    assert_int_equal(gp_channel_table_add(table, NULL, NULL, NULL, &id), 0);
    size_t pushed = 0;
    while (gp_channel_table_push(table, id, NULL, 0) == 0) {
        pushed++;
    }
    assert_int_equal(pushed, limit / GP_MESSAGE_OVERHEAD);
    assert_int_equal(gp_channel_table_queued(table, id), 0);
    /* Popping one empty message makes room for exactly one more. */
    assert_int_equal(gp_channel_table_pop(table, GP_CALLER_HOST, id, 16, take_all, NULL), 0);
    assert_int_equal(gp_channel_table_push(table, id, NULL, 0), 0);
    assert_int_equal(gp_channel_table_push(table, id, NULL, 0), -ENOBUFS);

    /* A lower bound for one push (the manager's replies). */
    gp_channel_id small;
    assert_int_equal(gp_channel_table_add(table, NULL, NULL, NULL, &small), 0);
    size_t replies = 0;
    while (gp_channel_table_push_within(table, small, "abcd", 4, 1024) == 0) {
        replies++;
    }
    assert_int_equal(replies, 1024 / (4 + GP_MESSAGE_OVERHEAD));
    /* A higher bound than the table's own does not raise it. */
    assert_int_equal(gp_channel_table_push_within(table, id, "x", 1, 2 * limit), -ENOBUFS);
    assert_int_equal(gp_channel_table_push_within(table, small, "x", 1, 10), -EMSGSIZE);
    gp_channel_table_free(table);
}

/* The overhead charged is at least what the heap really spends: queued
 * memory stays within the queue limit. (Not under ASan, whose allocator
 * mallinfo2 does not see.) */
static void the_charged_overhead_covers_the_real_one(void **unused)
{
    (void)unused;
#if defined(__SANITIZE_ADDRESS__)
    skip();
#else
    const size_t limit = 8 << 20;
    const size_t sizes[] = { 0, 1, 4, 24, 25, 100, 1000 };
    for (size_t s = 0; s < G_N_ELEMENTS(sizes); s++) {
        gp_channel_table *table = new_table(limit, 4, 1, 1, false);
        gp_channel_id id;
        uint8_t bytes[1000] = { 0 };
        assert_int_equal(gp_channel_table_add(table, NULL, NULL, NULL, &id), 0);
        struct mallinfo2 before = mallinfo2();
        while (gp_channel_table_push(table, id, bytes, sizes[s]) == 0) {
        }
        struct mallinfo2 after = mallinfo2();
        size_t used = after.uordblks - before.uordblks;
        print_message("%zu-byte messages: %zu bytes of heap for a limit of %zu\n", sizes[s],
                      used, limit);
        assert_true(used <= limit);
        gp_channel_table_free(table);
    }
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tokens_are_random_hex_and_parse_back),
        cmocka_unit_test(owner_sets_are_bounded_and_evict_the_least_recently_used),
        cmocka_unit_test(channels_are_owned_by_token_claims_only),
        cmocka_unit_test(finding_by_name_sees_only_what_the_caller_may),
        cmocka_unit_test(guest_channels_have_shares_and_the_host_keeps_the_rest),
        cmocka_unit_test(releasing_a_made_channel_frees_it),
        cmocka_unit_test(revert_drops_guest_channels_queues_and_owners),
        cmocka_unit_test(every_message_counts_its_overhead),
        cmocka_unit_test(the_charged_overhead_covers_the_real_one),
    };
    return cmocka_run_group_tests_name("channel_table", tests, NULL, NULL);
}
