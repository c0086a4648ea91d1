/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "terminal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PLAIN, ESCAPE, CSI, OSC, OSC_ESCAPE };

void gp_terminal_clean(GString *out, const char *input, size_t length, int *state)
{
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)input[i];
        switch (*state) {
        case PLAIN:
            if (c == 0x1b) {
                *state = ESCAPE;
            } else if (c != '\r' && c != '\a' && c != '\0') {
                g_string_append_c(out, (char)c);
            }
            break;
        case ESCAPE:
            /* ESC [ starts CSI, ESC ] starts OSC; otherwise intermediate
             * bytes (0x20-0x2f, as in ESC ( B) continue the sequence and
             * the next byte ends it. */
            if (c < 0x20 || c > 0x2f) {
                *state = c == '[' ? CSI : c == ']' ? OSC : PLAIN;
            }
            break;
        case CSI:
            if (c >= 0x40 && c <= 0x7e) {
                *state = PLAIN;
            }
            break;
        case OSC:
            if (c == '\a') {
                *state = PLAIN;
            } else if (c == 0x1b) {
                *state = OSC_ESCAPE;
            }
            break;
        default: /* OSC_ESCAPE: ESC \ ends an OSC string */
            *state = PLAIN;
            break;
        }
    }
}

struct gp_prompt {
    GRegex *regex;
};

gp_prompt *gp_prompt_new(const char *pattern, GError **error)
{
    g_autofree char *anchored = g_strdup_printf("(?:%s)\\z", pattern);
    GRegex *regex = g_regex_new(anchored, G_REGEX_OPTIMIZE, 0, error);
    if (!regex) {
        return NULL;
    }
    gp_prompt *prompt = g_new0(gp_prompt, 1);
    prompt->regex = regex;
    return prompt;
}

bool gp_prompt_at_end(const gp_prompt *prompt, const char *text, size_t length)
{
    /* Only the last line can hold the prompt; matching it alone keeps the
     * cost independent of how much the guest printed. */
    const char *last_line = memrchr(text, '\n', length);
    return g_regex_match(prompt->regex, last_line ? last_line + 1 : text, 0, NULL);
}

void gp_prompt_free(gp_prompt *prompt)
{
    if (prompt) {
        g_regex_unref(prompt->regex);
        g_free(prompt);
    }
}

/* What the shell prints: "<gp:ID:STATUS>". What we type never contains
 * "<gp:ID:" because the ID is typed as $((ID+0)). */
char *gp_command_line(const char *command, unsigned id)
{
    g_autofree char *trimmed = g_strchomp(g_strdup(command));
    size_t length = strlen(trimmed);
    /* After a trailing & or ; another ; would be a syntax error. */
    const char *joiner = length && (trimmed[length - 1] == '&' || trimmed[length - 1] == ';')
                             ? " " : "; ";

    return g_strdup_printf("%s%secho \"<gp:$((%u+0)):$?>\"\n", trimmed, joiner,
                           id);
}

/*
 * Where the terminal's echo of TYPED that starts at AT ends (past its
 * newline), or NULL if TYPED is not echoed there. A line editor wraps a
 * long echo by breaking it with newlines anywhere, even inside the marker,
 * so newlines in the text are skipped while matching.
 */
static const char *echo_end_at(const char *at, const char *end, const char *typed)
{
    const char *want = typed;
    while (*want && *want != '\n' && at < end) {
        if (*at == *want) {
            want++;
        } else if (*at != '\n') {
            return NULL;
        }
        at++;
    }
    if (*want && *want != '\n') {
        return NULL;
    }
    const char *newline = memchr(at, '\n', (size_t)(end - at));
    return newline ? newline + 1 : end;
}

/*
 * The output starts after the echo of TYPED. Usually the echo comes first,
 * but whatever a command cut short by a timeout still printed may precede
 * it; the echo holds this command's unique id, so its first full match is
 * the real one. Without an echo (a terminal that does not echo) everything
 * is output.
 */
static const char *skip_echo(const char *text, const char *end, const char *typed)
{
    for (const char *at = text; at < end; at++) {
        at = memchr(at, typed[0], (size_t)(end - at));
        if (!at) {
            break;
        }
        const char *after = echo_end_at(at, end, typed);
        if (after) {
            return after;
        }
    }
    return text;
}

char *gp_command_output_so_far(const char *text, size_t length, const char *typed)
{
    return g_strdup(skip_echo(text, text + length, typed));
}

bool gp_command_reply(const char *text, size_t length, size_t *scanned, unsigned id,
                      const char *typed, char **output, int *exit_status)
{
    char marker[32];
    size_t marker_length = (size_t)snprintf(marker, sizeof marker, "<gp:%u:", id);
    /* Resume where the last call stopped, less a marker's worth in case one
     * was split across reads: waiting on long output stays linear. */
    size_t from = *scanned > marker_length + 16 ? *scanned - marker_length - 16 : 0;
    *scanned = length;
    const char *found = g_strstr_len(text + from, (gssize)(length - from), marker);
    if (!found) {
        return false;
    }
    const char *status_text = found + strlen(marker);
    char *status_end = NULL;
    long status = strtol(status_text, &status_end, 10);
    if (status_end == status_text || *status_end != '>') {
        return false; /* marker still arriving */
    }

    const char *start = skip_echo(text, found, typed);
    size_t output_length = (size_t)(found - start);
    while (output_length && start[output_length - 1] == '\n') {
        output_length--;
    }
    *output = g_strndup(start, output_length);
    *exit_status = (int)status;
    return true;
}
