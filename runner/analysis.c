/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "analysis.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Reports are short lines; anything longer is not the core's. */
#define MAX_LINE_BYTES 1024

typedef enum {
    GUEST_PLUGIN_REQUESTED,
    GUEST_PLUGIN_RUNNING,
    GUEST_PLUGIN_FINISHED,
} guest_plugin_state;

typedef struct {
    char *name;
    guest_plugin_state state;
} guest_plugin;

struct gp_analysis {
    int fd;
    GString *partial; /* a line still arriving */
    bool ended;
    int end_status;
    GPtrArray *plugins; /* guest_plugin *, in request order */
    char *failure;
    guint reload_answers; /* "reloaded N" reports */
};

static void guest_plugin_free(gpointer data)
{
    guest_plugin *plugin = data;
    g_free(plugin->name);
    g_free(plugin);
}

gp_analysis *gp_analysis_new(int fd)
{
    gp_analysis *analysis = g_new0(gp_analysis, 1);
    analysis->fd = fd;
    analysis->partial = g_string_new(NULL);
    analysis->plugins = g_ptr_array_new_with_free_func(guest_plugin_free);
    return analysis;
}

int gp_analysis_fd(const gp_analysis *analysis)
{
    return analysis->fd;
}

static guest_plugin *find_or_add(gp_analysis *analysis, const char *name)
{
    for (guint i = 0; i < analysis->plugins->len; i++) {
        guest_plugin *plugin = g_ptr_array_index(analysis->plugins, i);
        if (strcmp(plugin->name, name) == 0) {
            return plugin;
        }
    }
    guest_plugin *plugin = g_new0(guest_plugin, 1);
    plugin->name = g_strdup(name);
    g_ptr_array_add(analysis->plugins, plugin);
    return plugin;
}

static void note_failure(gp_analysis *analysis, char *why)
{
    if (analysis->failure) {
        g_free(why);
    } else {
        analysis->failure = why;
    }
}

/* A wait status in words: "status 3", "signal 11 (Segmentation fault)". */
static char *describe_wait_status(int status)
{
    if (WIFSIGNALED(status)) {
        return g_strdup_printf("was killed by signal %d (%s)", WTERMSIG(status),
                               strsignal(WTERMSIG(status)));
    }
    return g_strdup_printf("exited with status %d", WEXITSTATUS(status));
}

/* "plugin NAME EVENT VALUE DETAIL..." */
static void take_plugin_report(gp_analysis *analysis, const char *report)
{
    char name[256], event[16];
    int value = 0, consumed = 0;
    if (sscanf(report, "%255s %15s %d %n", name, event, &value, &consumed) < 3) {
        return;
    }
    const char *detail = report + consumed;
    guest_plugin *plugin = find_or_add(analysis, name);

    /* daemon_gone: it is sent again, to a new guest_daemon. */
    if (strcmp(event, "requested") == 0 || strcmp(event, "daemon_gone") == 0) {
        plugin->state = GUEST_PLUGIN_REQUESTED;
    } else if (strcmp(event, "started") == 0) {
        plugin->state = GUEST_PLUGIN_RUNNING;
    } else if (strcmp(event, "failed") == 0) {
        plugin->state = GUEST_PLUGIN_FINISHED;
        note_failure(analysis, g_strdup_printf("guest plugin %s could not be started: %s",
                                               name, *detail ? detail : "no reason given"));
    } else if (strcmp(event, "exited") == 0) {
        plugin->state = GUEST_PLUGIN_FINISHED;
        if (!WIFEXITED(value) || WEXITSTATUS(value) != 0) {
            g_autofree char *how = describe_wait_status(value);
            note_failure(analysis, g_strdup_printf("guest plugin %s %s", name, how));
        }
    } else if (strcmp(event, "lost") == 0) {
        /* Reverting is the user's choice; the plugin's work is gone, not failed. */
        plugin->state = GUEST_PLUGIN_FINISHED;
    }
}

void gp_analysis_take_line(gp_analysis *analysis, const char *line)
{
    if (g_str_has_prefix(line, "end ")) {
        if (!analysis->ended) {
            analysis->ended = true;
            analysis->end_status = (int)strtol(line + strlen("end "), NULL, 10);
        }
    } else if (g_str_has_prefix(line, "plugin ")) {
        take_plugin_report(analysis, line + strlen("plugin "));
    } else if (g_str_has_prefix(line, "reloaded ")) {
        analysis->reload_answers++;
    }
}

void gp_analysis_read(gp_analysis *analysis)
{
    char buffer[4096];
    ssize_t got;

    if (analysis->fd < 0) {
        return;
    }
    while ((got = read(analysis->fd, buffer, sizeof buffer)) > 0 ||
           (got < 0 && errno == EINTR)) {
        for (ssize_t i = 0; i < got; i++) {
            if (buffer[i] != '\n') {
                if (analysis->partial->len < MAX_LINE_BYTES) {
                    g_string_append_c(analysis->partial, buffer[i]);
                }
                continue;
            }
            gp_analysis_take_line(analysis, analysis->partial->str);
            g_string_truncate(analysis->partial, 0);
        }
    }
    if (got == 0) {
        /* QEMU is gone: nothing more will come, and a closed pipe would
         * otherwise stay readable forever. */
        close(analysis->fd);
        analysis->fd = -1;
    }
}

void gp_analysis_begin_again(gp_analysis *analysis)
{
    analysis->ended = false;
    analysis->end_status = 0;
}

guint gp_analysis_reload_answers(const gp_analysis *analysis)
{
    return analysis->reload_answers;
}

bool gp_analysis_ended(const gp_analysis *analysis)
{
    return analysis->ended;
}

int gp_analysis_end_status(const gp_analysis *analysis)
{
    return analysis->ended ? analysis->end_status : 0;
}

guint gp_analysis_requested(const gp_analysis *analysis)
{
    return analysis->plugins->len;
}

guint gp_analysis_unfinished(const gp_analysis *analysis)
{
    guint count = 0;
    for (guint i = 0; i < analysis->plugins->len; i++) {
        const guest_plugin *plugin = g_ptr_array_index(analysis->plugins, i);
        count += plugin->state != GUEST_PLUGIN_FINISHED;
    }
    return count;
}

char *gp_analysis_describe_unfinished(const gp_analysis *analysis)
{
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < analysis->plugins->len; i++) {
        const guest_plugin *plugin = g_ptr_array_index(analysis->plugins, i);
        if (plugin->state != GUEST_PLUGIN_FINISHED) {
            g_string_append_printf(out, "%s%s (%s)", out->len ? ", " : "", plugin->name,
                                   plugin->state == GUEST_PLUGIN_RUNNING ? "still running"
                                                                         : "not started yet");
        }
    }
    return g_string_free(out, FALSE);
}

const char *gp_analysis_failure(const gp_analysis *analysis)
{
    return analysis->failure;
}

void gp_analysis_free(gp_analysis *analysis)
{
    if (analysis) {
        if (analysis->fd >= 0) {
            close(analysis->fd);
        }
        g_string_free(analysis->partial, TRUE);
        g_ptr_array_unref(analysis->plugins);
        g_free(analysis->failure);
        g_free(analysis);
    }
}
