/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one message the core sends the runner: "end the analysis". The runner
 * passes a pipe's write end as runner_fd=N; a host plugin's gp_end_analysis
 * writes "end STATUS" to it and the runner shuts QEMU down through QMP.
 */
#include "runner_link.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "export.h"
#include "log.h"

static int runner_fd = -1;

void gp_runner_link_init(int fd)
{
    runner_fd = fd;
}

GP_EXPORT void gp_end_analysis_with_status(int status)
{
    if (runner_fd < 0) {
        gp_log("gp_end_analysis: no runner to tell (QEMU was not started by guestplug)");
        return;
    }
    char line[32];
    int length = snprintf(line, sizeof line, "end %d\n", status < 0 || status > 125 ? 1 : status);
    ssize_t written;
    do {
        written = write(runner_fd, line, (size_t)length);
    } while (written < 0 && errno == EINTR);
}

GP_EXPORT void gp_end_analysis(void)
{
    gp_end_analysis_with_status(0);
}
