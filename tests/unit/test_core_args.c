/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The core's -plugin argument parser (core/core_args.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core_args.h"

static void loads_plugin_args_and_settings(void **unused)
{
    (void)unused;
    char *argv[] = { "load=a", "a.greeting=hi=there", "verbose=on", "load=b", "verbose=off" };
    g_autoptr(GError) error = NULL;
    gp_core_args *args = gp_core_args_parse(G_N_ELEMENTS(argv), argv, &error);
    assert_non_null(args);
    assert_int_equal(args->load->len, 2);
    assert_string_equal(g_ptr_array_index(args->load, 0), "a");
    assert_string_equal(g_ptr_array_index(args->load, 1), "b");
    assert_string_equal(gp_core_args_get(args, "a.greeting"), "hi=there");
    assert_string_equal(gp_core_args_get(args, "verbose"), "off"); /* last wins */
    assert_null(gp_core_args_get(args, "missing"));
    gp_core_args_free(args);
}

static void rejects(char *arg)
{
    char *argv[] = { arg };
    g_autoptr(GError) error = NULL;
    assert_null(gp_core_args_parse(1, argv, &error));
    assert_non_null(error);
    assert_non_null(strstr(error->message, "key=value") ? error->message
                                                       : strstr(error->message, "load="));
}

static void malformed_arguments(void **unused)
{
    (void)unused;
    rejects("novalue");
    rejects("=value");
    rejects("load=");
}

static void no_arguments(void **unused)
{
    (void)unused;
    gp_core_args *args = gp_core_args_parse(0, NULL, NULL);
    assert_int_equal(args->load->len, 0);
    gp_core_args_free(args);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_plugin_args_and_settings),
        cmocka_unit_test(malformed_arguments),
        cmocka_unit_test(no_arguments),
    };
    return cmocka_run_group_tests_name("core arguments", tests, NULL, NULL);
}
