/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running the host tools an image build needs (apt-get, dpkg-deb, tar,
 * qemu-img) with their output kept in one build log. The log is what makes
 * failures explainable: an error quotes the last lines the failing tool
 * wrote and names the log file for the rest.
 */
#ifndef GP_IMAGES_IMAGE_TOOL_H
#define GP_IMAGES_IMAGE_TOOL_H

#include <glib.h>
#include <stdbool.h>

typedef struct gp_tool_log gp_tool_log;

/* Creates (truncates) the log at PATH. */
gp_tool_log *gp_tool_log_open(const char *path, GError **error);
void gp_tool_log_close(gp_tool_log *log);
const char *gp_tool_log_path(const gp_tool_log *log);
void gp_tool_log_printf(gp_tool_log *log, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* The log's current end, and the last lines written after such a mark
 * (indented, for quoting in an error): for tools that exit 0 yet fail. */
gint64 gp_tool_log_mark(const gp_tool_log *log);
char *gp_tool_log_tail(const gp_tool_log *log, gint64 mark);

/* Runs ARGV (NULL-terminated; argv[0] looked up in PATH) in CWD (NULL:
 * ours) with ENV ("NAME=value" strings, NULL-terminated, may be NULL) added
 * to our environment. stderr goes to the log; stdout too unless STDOUT_TEXT
 * is non-NULL, in which case it is returned there. On failure the GError
 * (GP_RUN_ERROR_IMAGE) reads "`cmd args` failed (exit status N):" followed
 * by the last lines the command logged. */
bool gp_tool_run(gp_tool_log *log, const char *const *argv, const char *cwd,
                 const char *const *env, char **stdout_text, GError **error);

/* As gp_tool_run without STDOUT_TEXT, for a tool that takes minutes: each
 * line it writes (stdout and stderr) goes to the log, and those that start
 * with PROGRESS_MARK (mmdebstrap's "I: ") are also printed on stderr after
 * PREFIX, so the user sees how far it got. */
bool gp_tool_run_reporting(gp_tool_log *log, const char *const *argv, const char *const *env,
                           const char *progress_mark, const char *prefix, GError **error);

/* Called with each line a tool writes (stdout and stderr, without the
 * newline), after the line went to the log. */
typedef void (*gp_tool_line_func)(const char *line, void *data);

/* As gp_tool_run without STDOUT_TEXT, for a tool that takes minutes and
 * whose progress can only be told from its output (make): each line goes
 * to the log, then to EACH_LINE. stdin is /dev/null. */
bool gp_tool_run_lines(gp_tool_log *log, const char *const *argv, const char *cwd,
                       const char *const *env, gp_tool_line_func each_line, void *data,
                       GError **error);

/* Runs PRODUCER | CONSUMER, both with stderr to the log; fails if either
 * fails. */
bool gp_tool_pipe(gp_tool_log *log, const char *const *producer,
                  const char *const *consumer, const char *cwd, GError **error);

/* Appends "; <text>" to an error's message: the fix comes after the cause
 * and the tool output it quotes, on a line of its own. */
void gp_tool_error_hint(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Checks that each NULL-terminated name is an executable in PATH. */
bool gp_tool_require(const char *const *names, const char *fix, GError **error);

#endif
