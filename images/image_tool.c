/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "image_tool.h"

#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How much of a failing tool's output an error message quotes. */
#define TAIL_LINES 8
#define TAIL_BYTES 4096

struct gp_tool_log {
    char *path;
    int fd; /* O_APPEND, so our lines and the tools' interleave in order */
};

gp_tool_log *gp_tool_log_open(const char *path, GError **error)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE, "cannot create build log %s: %s",
                    path, g_strerror(errno));
        return NULL;
    }
    gp_tool_log *log = g_new0(gp_tool_log, 1);
    log->path = g_strdup(path);
    log->fd = fd;
    return log;
}

void gp_tool_log_close(gp_tool_log *log)
{
    if (log) {
        close(log->fd);
        g_free(log->path);
        g_free(log);
    }
}

const char *gp_tool_log_path(const gp_tool_log *log)
{
    return log->path;
}

static void log_write(gp_tool_log *log, const char *text)
{
    size_t len = strlen(text);
    while (len > 0) {
        ssize_t n = write(log->fd, text, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return; /* a log we cannot write must not fail the build */
        }
        text += n;
        len -= (size_t)n;
    }
}

void gp_tool_log_printf(gp_tool_log *log, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    log_write(log, text);
}

static goffset log_size(const gp_tool_log *log)
{
    struct stat st;
    return fstat(log->fd, &st) == 0 ? (goffset)st.st_size : 0;
}

/* The last TAIL_LINES lines written to the log since SINCE, indented. */
static char *log_tail(const gp_tool_log *log, goffset since)
{
    goffset end = log_size(log);
    goffset start = MAX(since, end - TAIL_BYTES);
    g_autofree char *buf = NULL;
    int fd;
    ssize_t n;

    if (end <= start || (fd = open(log->path, O_RDONLY | O_CLOEXEC)) < 0) {
        return g_strdup("  (no output)");
    }
    buf = g_malloc((gsize)(end - start) + 1);
    n = pread(fd, buf, (size_t)(end - start), start);
    close(fd);
    if (n <= 0) {
        return g_strdup("  (no output)");
    }
    buf[n] = '\0';

    g_auto(GStrv) lines = g_strsplit(g_strchomp(buf), "\n", -1);
    guint total = g_strv_length(lines);
    guint first = total > TAIL_LINES ? total - TAIL_LINES : 0;
    GString *out = g_string_new(NULL);
    for (guint i = first; i < total; i++) {
        g_string_append_printf(out, "%s  %s", out->len ? "\n" : "", g_strchomp(lines[i]));
    }
    return g_string_free(out, FALSE);
}

gint64 gp_tool_log_mark(const gp_tool_log *log)
{
    return log_size(log);
}

char *gp_tool_log_tail(const gp_tool_log *log, gint64 mark)
{
    return log_tail(log, mark);
}

static char *command_line(const char *const *argv)
{
    GString *s = g_string_new(NULL);
    for (const char *const *a = argv; *a; a++) {
        if (s->len) {
            g_string_append_c(s, ' ');
        }
        g_string_append(s, *a);
    }
    return g_string_free(s, FALSE);
}

static GSubprocessLauncher *launcher_new(gp_tool_log *log, GSubprocessFlags flags,
                                         const char *cwd, const char *const *env)
{
    GSubprocessLauncher *l = g_subprocess_launcher_new(flags);
    g_subprocess_launcher_take_stderr_fd(l, dup(log->fd));
    if (!(flags & G_SUBPROCESS_FLAGS_STDOUT_PIPE)) {
        g_subprocess_launcher_take_stdout_fd(l, dup(log->fd));
    }
    if (cwd) {
        g_subprocess_launcher_set_cwd(l, cwd);
    }
    for (const char *const *e = env; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        g_autofree char *name = g_strndup(*e, eq ? (gsize)(eq - *e) : strlen(*e));
        g_subprocess_launcher_setenv(l, name, eq ? eq + 1 : "", TRUE);
    }
    return l;
}

/* Turns a finished process into success or an error quoting the log. */
static bool check_exit(gp_tool_log *log, GSubprocess *p, const char *const *argv, goffset since,
                       GError **error)
{
    g_autofree char *cmd = command_line(argv);
    g_autofree char *status = NULL;

    if (g_subprocess_get_if_exited(p)) {
        int code = g_subprocess_get_exit_status(p);
        if (code == 0) {
            return true;
        }
        status = g_strdup_printf("exit status %d", code);
    } else {
        status = g_strdup_printf("killed by signal %d", g_subprocess_get_term_sig(p));
    }
    g_autofree char *tail = log_tail(log, since);
    gp_tool_log_printf(log, "guestplug: `%s` failed (%s)\n", cmd, status);
    g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE, "`%s` failed (%s); its last output:\n%s",
                cmd, status, tail);
    return false;
}

static void spawn_error(GError **error, const char *const *argv)
{
    g_autofree char *cmd = command_line(argv);
    g_prefix_error(error, "cannot run `%s`: ", cmd);
    (*error)->domain = GP_RUN_ERROR;
    (*error)->code = GP_RUN_ERROR_IMAGE;
}

bool gp_tool_run(gp_tool_log *log, const char *const *argv, const char *cwd,
                 const char *const *env, char **stdout_text, GError **error)
{
    GSubprocessFlags flags = stdout_text ? G_SUBPROCESS_FLAGS_STDOUT_PIPE : 0;
    g_autoptr(GSubprocessLauncher) l = launcher_new(log, flags, cwd, env);
    g_autofree char *cmd = command_line(argv);
    goffset since;

    gp_tool_log_printf(log, "$ %s\n", cmd);
    since = log_size(log);
    g_autoptr(GSubprocess) p = g_subprocess_launcher_spawnv(l, (const char *const *)argv, error);
    if (!p) {
        spawn_error(error, argv);
        return false;
    }
    if (stdout_text) {
        if (!g_subprocess_communicate_utf8(p, NULL, NULL, stdout_text, NULL, error)) {
            g_prefix_error(error, "reading the output of `%s`: ", cmd);
            return false;
        }
    } else if (!g_subprocess_wait(p, NULL, error)) {
        return false;
    }
    if (!check_exit(log, p, argv, since, error)) {
        if (stdout_text) {
            g_clear_pointer(stdout_text, g_free);
        }
        return false;
    }
    return true;
}

/* A progress line as the user sees it: mmdebstrap names each hook with
 * the whole shell command that runs it, which says nothing to the user. */
static void print_progress(const char *prefix, const char *line)
{
    const char *shell = strstr(line, " in shell: ");
    int length = shell ? (int)(shell - line) : (int)strlen(line);
    fprintf(stderr, "%s%.*s\n", prefix, length, line);
}

bool gp_tool_run_lines(gp_tool_log *log, const char *const *argv, const char *cwd,
                       const char *const *env, gp_tool_line_func each_line, void *data,
                       GError **error)
{
    /* Without a STDIN flag, GSubprocess gives the tool /dev/null. */
    g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(
        G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
    g_autofree char *cmd = command_line(argv);

    if (cwd) {
        g_subprocess_launcher_set_cwd(l, cwd);
    }
    for (const char *const *e = env; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        g_autofree char *name = g_strndup(*e, eq ? (gsize)(eq - *e) : strlen(*e));
        g_subprocess_launcher_setenv(l, name, eq ? eq + 1 : "", TRUE);
    }
    gp_tool_log_printf(log, "$ %s\n", cmd);
    goffset since = log_size(log);
    g_autoptr(GSubprocess) p = g_subprocess_launcher_spawnv(l, (const char *const *)argv, error);
    if (!p) {
        spawn_error(error, argv);
        return false;
    }
    g_autoptr(GDataInputStream) lines =
        g_data_input_stream_new(g_subprocess_get_stdout_pipe(p));
    g_autoptr(GError) read_error = NULL;
    char *line;
    /* Reading to the end of the output is what waits for the tool: it
     * ends when the tool and everything it started have closed it. Lines
     * are bytes (a maintainer script may print anything). */
    while ((line = g_data_input_stream_read_line(lines, NULL, NULL, &read_error))) {
        gp_tool_log_printf(log, "%s\n", line);
        if (each_line) {
            each_line(line, data);
        }
        g_free(line);
    }
    if (read_error) {
        /* Unread output would block the tool for ever: stop it instead. */
        gp_tool_log_printf(log, "guestplug: cannot read the output of `%s`: %s\n", cmd,
                           read_error->message);
        g_subprocess_force_exit(p);
    }
    if (!g_subprocess_wait(p, NULL, error)) {
        return false;
    }
    return check_exit(log, p, argv, since, error);
}

typedef struct progress_marks {
    const char *mark;
    const char *prefix;
} progress_marks;

static void print_marked(const char *line, void *data)
{
    const progress_marks *marks = data;
    if (g_str_has_prefix(line, marks->mark)) {
        print_progress(marks->prefix, line + strlen(marks->mark));
    }
}

bool gp_tool_run_reporting(gp_tool_log *log, const char *const *argv, const char *const *env,
                           const char *progress_mark, const char *prefix, GError **error)
{
    progress_marks marks = { progress_mark, prefix };
    return gp_tool_run_lines(log, argv, NULL, env, print_marked, &marks, error);
}

bool gp_tool_pipe(gp_tool_log *log, const char *const *producer, const char *const *consumer,
                  const char *cwd, GError **error)
{
    int fds[2];
    g_autofree char *a = command_line(producer);
    g_autofree char *b = command_line(consumer);
    goffset since;

    gp_tool_log_printf(log, "$ %s | %s\n", a, b);
    since = log_size(log);
    if (!g_unix_open_pipe(fds, FD_CLOEXEC, error)) {
        g_prefix_error(error, "cannot create a pipe: ");
        return false;
    }

    /* Each launcher owns one pipe end and closes it when freed, which must
     * happen right after spawning: the consumer only sees end-of-file once
     * no process but the producer holds the write end. */
    GSubprocessLauncher *lp = launcher_new(log, G_SUBPROCESS_FLAGS_NONE, cwd, NULL);
    g_subprocess_launcher_take_stdout_fd(lp, fds[1]);
    g_autoptr(GSubprocess) pp = g_subprocess_launcher_spawnv(lp, producer, error);
    g_object_unref(lp);
    if (!pp) {
        close(fds[0]);
        spawn_error(error, producer);
        return false;
    }

    GSubprocessLauncher *lc = launcher_new(log, G_SUBPROCESS_FLAGS_NONE, cwd, NULL);
    g_subprocess_launcher_take_stdin_fd(lc, fds[0]);
    g_autoptr(GSubprocess) pc = g_subprocess_launcher_spawnv(lc, consumer, error);
    g_object_unref(lc);
    if (!pc) {
        g_subprocess_force_exit(pp);
        g_subprocess_wait(pp, NULL, NULL);
        spawn_error(error, consumer);
        return false;
    }

    /* Wait for the consumer first: if it dies early, the producer gets
     * SIGPIPE and exits too, so neither wait can hang. */
    if (!g_subprocess_wait(pc, NULL, error) || !g_subprocess_wait(pp, NULL, error)) {
        return false;
    }
    /* The consumer's complaint is usually the informative one (tar saying
     * which member is missing); the producer then just died of SIGPIPE. */
    return check_exit(log, pc, consumer, since, error) &&
           check_exit(log, pp, producer, since, error);
}

void gp_tool_error_hint(GError **error, const char *fmt, ...)
{
    if (!error || !*error) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *hint = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *msg = g_strdup_printf("%s\nFix: %s", (*error)->message, hint);
    g_free((*error)->message);
    (*error)->message = msg;
}

bool gp_tool_require(const char *const *names, const char *fix, GError **error)
{
    GString *missing = g_string_new(NULL);
    for (const char *const *n = names; *n; n++) {
        g_autofree char *found = g_find_program_in_path(*n);
        if (!found) {
            g_string_append_printf(missing, "%s%s", missing->len ? ", " : "", *n);
        }
    }
    if (missing->len) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE, "%s not found in PATH; %s",
                    missing->str, fix);
    }
    bool ok = missing->len == 0;
    g_string_free(missing, TRUE);
    return ok;
}
