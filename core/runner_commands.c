/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "runner_commands.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "guest_plugins.h"
#include "log.h"
#include "runner_link.h"

/* Commands are a word; anything longer is not the runner's. */
#define MAX_COMMAND_BYTES 64

static struct {
    int fd;
    int stop[2]; /* written once to end the thread */
    GThread *thread;
} commands = { .fd = -1, .stop = { -1, -1 } };

static void run_command(const char *line)
{
    if (strcmp(line, "reload") == 0) {
        gp_runner_link_reloaded(gp_guest_plugins_reload());
    } else {
        gp_log("ignored a runner command the core does not know: '%.*s'",
               MAX_COMMAND_BYTES, line);
    }
}

static gpointer read_commands(gpointer unused)
{
    (void)unused;
    char line[MAX_COMMAND_BYTES + 1];
    size_t length = 0;
    bool overlong = false;
    for (;;) {
        struct pollfd pfds[2] = { { .fd = commands.fd, .events = POLLIN },
                                  { .fd = commands.stop[0], .events = POLLIN } };
        /* Ends when the runner closes its end or QEMU exits (the stop pipe). */
        if (poll(pfds, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (pfds[1].revents) {
            break; /* stopping */
        }
        char buffer[256];
        ssize_t got = read(commands.fd, buffer, sizeof buffer);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (got <= 0) {
            break; /* the runner is gone */
        }
        for (ssize_t i = 0; i < got; i++) {
            if (buffer[i] != '\n') {
                if (length < MAX_COMMAND_BYTES) {
                    line[length++] = buffer[i];
                } else {
                    overlong = true;
                }
                continue;
            }
            line[length] = '\0';
            if (!overlong) {
                run_command(line);
            }
            length = 0;
            overlong = false;
        }
    }
    return NULL;
}

void gp_runner_commands_start(int fd)
{
    if (fd < 0) {
        return;
    }
    if (fcntl(fd, F_GETFD) < 0 || pipe2(commands.stop, O_CLOEXEC) < 0) {
        gp_log("runner_commands_fd=%d cannot be read: %s; the runner's commands "
               "(gp_vm_reload_guest_plugins) will not work", fd, strerror(errno));
        return;
    }
    /* QEMU's children (none are expected) must not inherit the runner's pipe. */
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    commands.fd = fd;
    commands.thread = g_thread_new("guestplug-runner-commands", read_commands, NULL);
}

void gp_runner_commands_stop(void)
{
    if (!commands.thread) {
        return;
    }
    char stop = 1;
    while (write(commands.stop[1], &stop, 1) < 0 && errno == EINTR) {
    }
    g_thread_join(commands.thread);
    commands.thread = NULL;
    close(commands.stop[0]);
    close(commands.stop[1]);
    close(commands.fd);
    commands.fd = -1;
}
