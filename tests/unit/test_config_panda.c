/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The config.panda parser (tools/config_panda.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config_panda.h"

static GPtrArray *parse_ok(const char *text)
{
    g_autoptr(GError) error = NULL;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    assert_true(gp_config_panda_parse(text, strlen(text), "config.panda", names, &error));
    assert_null(error);
    return names;
}

static void names_comments_and_blank_lines(void **unused)
{
    (void)unused;
    g_autoptr(GPtrArray) names = parse_ok("# guest plugins\n\nc_example\n  hello-world  # trailing\n"
                                          "\t\n#last\nz_9");
    assert_int_equal(names->len, 3);
    assert_string_equal(g_ptr_array_index(names, 0), "c_example");
    assert_string_equal(g_ptr_array_index(names, 1), "hello-world");
    assert_string_equal(g_ptr_array_index(names, 2), "z_9");
}

static void crlf_line_ends(void **unused)
{
    (void)unused;
    g_autoptr(GPtrArray) names = parse_ok("a\r\nb\r\n");
    assert_int_equal(names->len, 2);
    assert_string_equal(g_ptr_array_index(names, 1), "b");
}

static void empty_file(void **unused)
{
    (void)unused;
    g_autoptr(GPtrArray) names = parse_ok("");
    assert_int_equal(names->len, 0);
}

static void rejects(const char *text, const char *expected_fragment)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    assert_false(gp_config_panda_parse(text, strlen(text), "dir/config.panda", names, &error));
    assert_non_null(error);
    assert_non_null(strstr(error->message, expected_fragment));
}

static void invalid_names_are_errors_with_line_numbers(void **unused)
{
    (void)unused;
    rejects("ok\n../evil\n", "dir/config.panda:2: '../evil' is not a plugin name");
    rejects("two words\n", "dir/config.panda:1:");
    rejects("a/b", "is not a plugin name");
}

static void duplicates_are_errors(void **unused)
{
    (void)unused;
    rejects("same\nother\nsame\n", "dir/config.panda:3: plugin 'same' is listed twice");
}

static void duplicates_across_files(void **unused)
{
    (void)unused;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    assert_true(gp_config_panda_parse("x\n", 2, "first", names, &error));
    assert_false(gp_config_panda_parse("x\n", 2, "second", names, &error));
    assert_non_null(strstr(error->message, "second:1"));
}

static void text_need_not_be_terminated(void **unused)
{
    (void)unused;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char buffer[] = { 'a', 'b', '\n', 'c', 'd' }; /* no NUL */
    assert_true(gp_config_panda_parse(buffer, sizeof buffer, "mem", names, NULL));
    assert_int_equal(names->len, 2);
    assert_string_equal(g_ptr_array_index(names, 1), "cd");
}

static void missing_file_is_an_error(void **unused)
{
    (void)unused;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    assert_false(gp_config_panda_load("/nonexistent/config.panda", names, &error));
    assert_non_null(error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_comments_and_blank_lines),
        cmocka_unit_test(crlf_line_ends),
        cmocka_unit_test(empty_file),
        cmocka_unit_test(invalid_names_are_errors_with_line_numbers),
        cmocka_unit_test(duplicates_are_errors),
        cmocka_unit_test(duplicates_across_files),
        cmocka_unit_test(text_need_not_be_terminated),
        cmocka_unit_test(missing_file_is_an_error),
    };
    return cmocka_run_group_tests_name("config.panda", tests, NULL, NULL);
}
