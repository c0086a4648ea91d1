/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the core tells the runner. The runner passes a pipe's write end as
 * runner_fd=N and reads one line per report:
 *
 *   end STATUS                          a host plugin ended the analysis
 *   plugin NAME EVENT VALUE DETAIL...   a guest plugin's life: requested,
 *                                       started, failed, exited, lost, or
 *                                       daemon_gone (sent again, unfinished)
 *   reloaded COUNT                      the answer to the runner's "reload"
 *                                       (core/runner_commands.c)
 *
 * The runner decides from these when a run is over and how it went
 * (runner/analysis.c parses them).
 */
#include "runner_link.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "log.h"

#define MAX_REPORT_BYTES 512

static int runner_fd = -1;

void gp_runner_link_init(int fd)
{
    runner_fd = fd;
    /* A runner that stops reading must never stall a vCPU: a report that
     * does not fit in the pipe is dropped (and logged) instead. Only QEMU
     * holds this end, so the flag affects no one else. */
    if (fd >= 0) {
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
            gp_log("runner_fd=%d is not an open file descriptor: %s", fd, strerror(errno));
            runner_fd = -1;
        }
    }
}

bool gp_runner_link_active(void)
{
    return runner_fd >= 0;
}

/* One whole line, or nothing: a pipe write of at most PIPE_BUF bytes is
 * atomic, so reports from several vCPUs never interleave. */
static void report(const char *text)
{
    char line[MAX_REPORT_BYTES];
    size_t length = MIN(strlen(text), sizeof line - 1);
    for (size_t i = 0; i < length; i++) {
        line[i] = text[i] == '\n' ? ' ' : text[i];
    }
    line[length++] = '\n';
    if (runner_fd < 0) {
        return;
    }
    ssize_t written;
    do {
        written = write(runner_fd, line, length);
    } while (written < 0 && errno == EINTR);
    if (written != (ssize_t)length) {
        gp_log("could not tell the runner '%.*s': %s", (int)length - 1, line,
               written < 0 ? strerror(errno) : "short write");
    }
}

void gp_runner_link_guest_plugin(const char *name, const char *event, int value,
                                 const char *detail)
{
    g_autofree char *line = g_strdup_printf("plugin %s %s %d %s", name, event, value,
                                            detail ? detail : "");
    report(line);
}

void gp_runner_link_reloaded(unsigned count)
{
    char line[32];
    snprintf(line, sizeof line, "reloaded %u", count);
    report(line);
}

GP_EXPORT void gp_end_analysis_with_status(int status)
{
    if (runner_fd < 0) {
        gp_log("gp_end_analysis: no runner to tell (QEMU was not started by guestplug)");
        return;
    }
    char line[32];
    snprintf(line, sizeof line, "end %d", status < 0 || status > 125 ? 1 : status);
    report(line);
}

GP_EXPORT void gp_end_analysis(void)
{
    gp_end_analysis_with_status(0);
}
