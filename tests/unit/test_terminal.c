/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The prompt matcher and serial command framing (runner/terminal.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "terminal.h"

static char *clean(const char *raw)
{
    GString *out = g_string_new(NULL);
    int state = 0;
    gp_terminal_clean(out, raw, strlen(raw), &state);
    return g_string_free(out, FALSE);
}

static void clean_strips_escapes_and_carriage_returns(void **unused)
{
    (void)unused;
    g_autofree char *text = clean("root@guestplug:~# \x1b[6n\r\nline\r\n\x1b[1;32mgreen\x1b[0m"
                                  "\x1b]0;title\x07" "end\x1b(B!");
    assert_string_equal(text, "root@guestplug:~# \nline\ngreen" "end!");
}

static void clean_handles_sequences_split_across_reads(void **unused)
{
    (void)unused;
    GString *out = g_string_new(NULL);
    int state = 0;
    const char *parts[] = { "ab\x1b", "[", "6", "ncd\x1b]0;t", "itle\x1b", "\\ef" };
    for (size_t i = 0; i < G_N_ELEMENTS(parts); i++) {
        gp_terminal_clean(out, parts[i], strlen(parts[i]), &state);
    }
    assert_string_equal(out->str, "abcdef");
    g_string_free(out, TRUE);
}

static bool at_end(const gp_prompt *prompt, const char *text)
{
    return gp_prompt_at_end(prompt, text, strlen(text));
}

/* Runs gp_command_reply for COMMAND typed as command ID on TEXT. */
static bool reply(const char *text, const char *command, unsigned id, char **output,
                  int *status)
{
    size_t scanned = 0;
    g_autofree char *typed = gp_command_line(command, id);
    return gp_command_reply(text, strlen(text), &scanned, id, typed, output, status);
}

/* The terminal's echo of COMMAND typed as ID, with a newline inserted
 * after the first WRAP_AT characters (0: none), as a line editor wraps. */
static char *echo_of(const char *command, unsigned id, size_t wrap_at)
{
    g_autofree char *typed = gp_command_line(command, id);
    GString *echo = g_string_new(typed);
    g_string_truncate(echo, echo->len - 1); /* the typed newline */
    if (wrap_at) {
        g_string_insert_c(echo, (gssize)wrap_at, '\n');
    }
    return g_string_free(echo, FALSE);
}

static void prompt_matches_only_at_the_end(void **unused)
{
    (void)unused;
    g_autoptr(GError) error = NULL;
    g_autoptr(gp_prompt) prompt = gp_prompt_new("root@guestplug:[^\\n]*# $", &error);
    assert_non_null(prompt);
    assert_true(at_end(prompt, "boot\nroot@guestplug:~# "));
    assert_true(at_end(prompt, "root@guestplug:/etc# "));
    assert_false(at_end(prompt, "root@guestplug:~# ls\nfile"));
    assert_false(at_end(prompt, "root@guestplug:~# \n"));
    assert_false(at_end(prompt, ""));
}

static void prompt_rejects_an_invalid_pattern(void **unused)
{
    (void)unused;
    g_autoptr(GError) error = NULL;
    assert_null(gp_prompt_new("([", &error));
    assert_non_null(error);
}

static void default_prompt_matches_common_shells(void **unused)
{
    (void)unused;
    g_autoptr(gp_prompt) prompt = gp_prompt_new("[#$] $", NULL);
    assert_true(at_end(prompt, "user@host:~$ "));
    assert_true(at_end(prompt, "/ # "));
    assert_false(at_end(prompt, "login: "));
}

static void command_line_joins_with_the_marker(void **unused)
{
    (void)unused;
    g_autofree char *plain = gp_command_line("ls -A /etc", 7);
    assert_string_equal(plain, "ls -A /etc; echo \"<gp:$((7+0)):$?>\"\n");
    g_autofree char *background = gp_command_line("sleep 1 &  ", 7);
    assert_string_equal(background, "sleep 1 & echo \"<gp:$((7+0)):$?>\"\n");
    g_autofree char *semicolon = gp_command_line("true;", 7);
    assert_string_equal(semicolon, "true; echo \"<gp:$((7+0)):$?>\"\n");
}

static void reply_with_echo_is_extracted(void **unused)
{
    (void)unused;
    char *output = NULL;
    int status = -1;
    g_autofree char *echo = echo_of("ls -A /etc | wc -l", 42, 0);
    g_autofree char *text = g_strdup_printf("%s\n41\n<gp:42:0>\nroot@guestplug:~# ", echo);
    assert_true(reply(text, "ls -A /etc | wc -l", 42, &output, &status));
    assert_string_equal(output, "41");
    assert_int_equal(status, 0);
    g_free(output);
}

static void reply_without_echo_and_with_status(void **unused)
{
    (void)unused;
    char *output = NULL;
    int status = -1;
    assert_true(reply("a\nb\n\n<gp:3:127>\n", "whatever", 3, &output, &status));
    assert_string_equal(output, "a\nb");
    assert_int_equal(status, 127);
    g_free(output);
}

static void reply_of_an_echo_wrapped_anywhere(void **unused)
{
    (void)unused;
    const char *command = "pgrep -x sleep || echo no sleep left";
    g_autofree char *typed = gp_command_line(command, 87132);
    /* Wrapped at every position, including inside the marker's tail. */
    for (size_t wrap = 1; wrap + 2 < strlen(typed); wrap++) {
        char *output = NULL;
        int status = -1;
        g_autofree char *echo = echo_of(command, 87132, wrap);
        g_autofree char *text = g_strdup_printf("%s\nno sleep left\n<gp:87132:0>\n", echo);
        assert_true(reply(text, command, 87132, &output, &status));
        assert_string_equal(output, "no sleep left");
        g_free(output);
    }
}

static void reply_is_not_complete_before_the_status(void **unused)
{
    (void)unused;
    char *output = NULL;
    int status = -1;
    g_autofree char *echo = echo_of("x", 5, 0);
    g_autofree char *partial = g_strdup_printf("%s\nout\n<gp:5:", echo);
    assert_false(reply(partial, "x", 5, &output, &status));
    assert_false(reply("out\n<gp:5:1", "x", 5, &output, &status));
    /* Another command's marker is not ours. */
    assert_false(reply("out\n<gp:6:0>\n", "x", 5, &output, &status));
    assert_null(output);
}

static void empty_output(void **unused)
{
    (void)unused;
    char *output = NULL;
    int status = -1;
    g_autofree char *echo = echo_of("true", 1, 0);
    g_autofree char *text = g_strdup_printf("%s\n<gp:1:0>\n", echo);
    assert_true(reply(text, "true", 1, &output, &status));
    assert_string_equal(output, "");
    g_free(output);
}

static void reply_found_across_growing_text(void **unused)
{
    (void)unused;
    g_autofree char *typed = gp_command_line("cmd", 8);
    g_autofree char *echo = echo_of("cmd", 8, 0);
    GString *text = g_string_new(echo);
    g_string_append(text, "\nline one\n<g");
    size_t scanned = 0;
    char *output = NULL;
    int status = -1;
    assert_false(gp_command_reply(text->str, text->len, &scanned, 8, typed, &output, &status));
    assert_int_equal(scanned, text->len);
    g_string_append(text, "p:8:3>\n");
    assert_true(gp_command_reply(text->str, text->len, &scanned, 8, typed, &output, &status));
    assert_string_equal(output, "line one");
    assert_int_equal(status, 3);
    g_free(output);
    g_string_free(text, TRUE);
}

/* A command cut short by a timeout left its echo and marker behind: the
 * next command's output still starts after its own echo. */
static void reply_after_leftovers_of_a_timed_out_command(void **unused)
{
    (void)unused;
    char *output = NULL;
    int status = -1;
    g_autofree char *old_echo = echo_of("cat", 51413, 0);
    g_autofree char *echo = echo_of("ls /", 51414, 0);
    g_autofree char *text = g_strdup_printf("%s\n^C\n<gp:51413:130>\nroot@guestplug:~# "
                                            "%s\nbin\netc\n<gp:51414:0>\n", old_echo, echo);
    assert_true(reply(text, "ls /", 51414, &output, &status));
    assert_string_equal(output, "bin\netc");
    g_free(output);
}

static void output_so_far_hides_the_marker(void **unused)
{
    (void)unused;
    g_autofree char *typed = gp_command_line("cat", 9);
    g_autofree char *echo = echo_of("cat", 9, 0);
    g_autofree char *text = g_strdup_printf("%s\nhello\n", echo);
    g_autofree char *so_far = gp_command_output_so_far(text, strlen(text), typed);
    assert_string_equal(so_far, "hello\n");
    assert_null(strstr(so_far, "<gp:"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clean_strips_escapes_and_carriage_returns),
        cmocka_unit_test(clean_handles_sequences_split_across_reads),
        cmocka_unit_test(prompt_matches_only_at_the_end),
        cmocka_unit_test(prompt_rejects_an_invalid_pattern),
        cmocka_unit_test(default_prompt_matches_common_shells),
        cmocka_unit_test(command_line_joins_with_the_marker),
        cmocka_unit_test(reply_with_echo_is_extracted),
        cmocka_unit_test(reply_without_echo_and_with_status),
        cmocka_unit_test(reply_of_an_echo_wrapped_anywhere),
        cmocka_unit_test(reply_is_not_complete_before_the_status),
        cmocka_unit_test(empty_output),
        cmocka_unit_test(reply_found_across_growing_text),
        cmocka_unit_test(reply_after_leftovers_of_a_timed_out_command),
        cmocka_unit_test(output_so_far_hides_the_marker),
    };
    return cmocka_run_group_tests_name("terminal", tests, NULL, NULL);
}
