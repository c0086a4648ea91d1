/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a guest's serial console as text: no sockets here, only the pure
 * logic, so it is unit-tested byte by byte.
 *
 * A command is typed as one line, CMD followed by an echo of a marker whose
 * digits the guest's shell computes ($((...))), so the terminal's echo of
 * what we typed never matches the marker, only the shell's real output does.
 */
#ifndef GP_RUNNER_TERMINAL_H
#define GP_RUNNER_TERMINAL_H

#include <glib.h>
#include <stdbool.h>

/*
 * Appends INPUT to OUT without terminal control: CSI/OSC escape sequences
 * (ash's ESC[6n cursor query, colours), carriage returns, BEL and NUL are
 * dropped. STATE carries an escape sequence split across calls; start it at 0.
 */
void gp_terminal_clean(GString *out, const char *input, size_t length, int *state);

typedef struct gp_prompt gp_prompt;

/* A shell prompt: a regular expression (GRegex/PCRE syntax) that must match
 * at the very end of the console text. */
gp_prompt *gp_prompt_new(const char *pattern, GError **error);
bool gp_prompt_at_end(const gp_prompt *prompt, const char *text, size_t length);
void gp_prompt_free(gp_prompt *prompt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gp_prompt, gp_prompt_free)

/* The line to type for CMD (with its trailing newline) for command number ID. */
char *gp_command_line(const char *command, unsigned id);

/*
 * Looks for the reply to command ID in cleaned console TEXT (LENGTH bytes).
 * TYPED is what gp_command_line gave. When the marker has arrived, returns
 * true with the command's output (without the terminal's echo of TYPED, "\n" line ends, no trailing newline) and
 * its exit status. *SCANNED (start at 0) remembers how far TEXT was searched,
 * so calling again as TEXT grows costs only the new part.
 */
bool gp_command_reply(const char *text, size_t length, size_t *scanned, unsigned id,
                      const char *typed, char **output, int *exit_status);

/* What a command that has not finished printed so far: TEXT after the echo
 * of TYPED, so that no internal marker reaches the user. */
char *gp_command_output_so_far(const char *text, size_t length, const char *typed);

#endif
