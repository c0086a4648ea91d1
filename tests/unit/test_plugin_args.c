/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host plugin arguments as users write them (runner/plugin_args.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "error.h"
#include "plugin_args.h"

/* The parsed pairs joined with '|', or the error message. */
static char *parse(const char *text)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) pairs = gp_plugin_args_parse("demo", text, &error);
    if (!pairs) {
        return g_strdup_printf("error: %s", error->message);
    }
    g_ptr_array_add(pairs, NULL);
    return g_strjoinv("|", (char **)pairs->pdata);
}

static void plain_pairs(void **unused)
{
    (void)unused;
    g_autofree char *none = parse(NULL);
    assert_string_equal(none, "");
    g_autofree char *two = parse("greeting=hi,count=3");
    assert_string_equal(two, "greeting=hi|count=3");
    g_autofree char *empty_value = parse("greeting=");
    assert_string_equal(empty_value, "greeting=");
    g_autofree char *stray_commas = parse(",a=1,,b=2,");
    assert_string_equal(stray_commas, "a=1|b=2");
}

static void commas_and_equals_in_values(void **unused)
{
    (void)unused;
    g_autofree char *quoted = parse("greeting=\"a,b\",x=1");
    assert_string_equal(quoted, "greeting=a,b|x=1");
    g_autofree char *single = parse("path='k=v,w'");
    assert_string_equal(single, "path=k=v,w");
    g_autofree char *escaped = parse("greeting=a\\,b");
    assert_string_equal(escaped, "greeting=a,b");
    g_autofree char *equals = parse("expr=a=b");
    assert_string_equal(equals, "expr=a=b");
    g_autofree char *quote_in_quotes = parse("q=\"it's\"");
    assert_string_equal(quote_in_quotes, "q=it's");
    g_autofree char *empty_quoted = parse("greeting=\"\"");
    assert_string_equal(empty_quoted, "greeting=");
}

static void malformed_arguments_are_named(void **unused)
{
    (void)unused;
    g_autofree char *bare = parse("badarg");
    assert_string_equal(bare, "error: argument 'badarg' of host plugin demo is not key=value "
                              "(write -p demo:badarg=VALUE)");
    g_autofree char *split = parse("greeting=a,b");
    assert_non_null(strstr(split, "argument 'b' of host plugin demo is not key=value"));
    g_autofree char *no_key = parse("=x");
    assert_non_null(strstr(no_key, "has no valid key"));
    g_autofree char *dotted = parse("a.b=x");
    assert_non_null(strstr(dotted, "has no valid key"));
    g_autofree char *open_quote = parse("greeting=\"a,b");
    assert_non_null(strstr(open_quote, "the quote \" is never closed"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_pairs),
        cmocka_unit_test(commas_and_equals_in_values),
        cmocka_unit_test(malformed_arguments_are_named),
    };
    return cmocka_run_group_tests_name("plugin_args", tests, NULL, NULL);
}
