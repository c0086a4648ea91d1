/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "console.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "error.h"
#include "terminal.h"

#define TAIL_BYTES 2048
#define MAX_TEXT_BYTES (256u << 20)
#define POLL_SLICE_MS 100

struct gp_console {
    int fd;
    gp_qemu_process *process;
    int end_fd;
    int escape_state;
    GString *text; /* since the last discard */
    GString *tail; /* last TAIL_BYTES ever received, for error messages */
};

static int try_connect(const char *path)
{
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    g_strlcpy(address.sun_path, path, sizeof address.sun_path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

gp_console *gp_console_connect(const char *path, gp_qemu_process *process, int timeout_ms,
                               GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    int fd;
    int status = 0;

    while ((fd = try_connect(path)) < 0) {
        if (!gp_qemu_process_running(process, &status)) {
            gp_qemu_process_exit_error(process, status, "starting", error);
            return NULL;
        }
        if (g_get_monotonic_time() >= deadline) {
            g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_TIMEOUT,
                        "QEMU's serial console socket %s did not appear within %d s",
                        path, timeout_ms / 1000);
            return NULL;
        }
        g_usleep(20 * 1000);
    }
    gp_console *console = g_new0(gp_console, 1);
    console->fd = fd;
    console->end_fd = -1;
    console->process = process;
    console->text = g_string_new(NULL);
    console->tail = g_string_new(NULL);
    return console;
}

static void append_received(gp_console *console, const char *bytes, size_t length);

/*
 * Types TEXT while reading whatever the guest prints meanwhile. Both must
 * happen together: a long paste fills the guest's tty, the guest blocks
 * echoing it, and QEMU stops reading our socket until we read its output.
 */
bool gp_console_write(gp_console *console, const char *text, GError **error)
{
    size_t length = strlen(text);
    size_t sent = 0;
    char buffer[65536];

    while (sent < length) {
        struct pollfd pfd = { .fd = console->fd, .events = POLLIN | POLLOUT };
        if (poll(&pfd, 1, 1000) < 0 && errno != EINTR) {
            break;
        }
        if (pfd.revents & POLLIN) {
            ssize_t got = recv(console->fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (got > 0) {
                append_received(console, buffer, (size_t)got);
            }
        }
        if (pfd.revents & (POLLERR | POLLHUP)) {
            errno = EPIPE;
            break;
        }
        if (pfd.revents & POLLOUT) {
            ssize_t n = send(console->fd, text + sent, length - sent,
                             MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0 && errno != EINTR && errno != EAGAIN) {
                break;
            }
            sent += n > 0 ? (size_t)n : 0;
        }
        if (!gp_qemu_process_running(console->process, NULL)) {
            errno = EPIPE;
            break;
        }
    }
    if (sent < length) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IO,
                    "could not type on the guest's serial console: %s", g_strerror(errno));
        return false;
    }
    return true;
}

void gp_console_discard(gp_console *console)
{
    g_string_truncate(console->text, 0);
}

static void append_received(gp_console *console, const char *bytes, size_t length)
{
    size_t before = console->text->len;
    gp_terminal_clean(console->text, bytes, length, &console->escape_state);
    g_string_append_len(console->tail, console->text->str + before,
                        (gssize)(console->text->len - before));
    if (console->tail->len > TAIL_BYTES) {
        g_string_erase(console->tail, 0, (gssize)(console->tail->len - TAIL_BYTES));
    }
}

/* The last few lines of console output, indented for an error message. */
static char *last_lines(const gp_console *console)
{
    g_autofree char *tail = g_strdup(console->tail->str);
    g_auto(GStrv) lines = g_strsplit(g_strchomp(tail), "\n", -1);
    guint count = g_strv_length(lines);
    GString *out = g_string_new(NULL);

    for (guint i = count > 15 ? count - 15 : 0; i < count; i++) {
        g_string_append_printf(out, "\n  | %s", lines[i]);
    }
    return g_string_free(out, FALSE);
}

bool gp_console_wait(gp_console *console, gp_console_done_fn done, void *opaque,
                     const char *what, int timeout_ms, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    char buffer[65536];
    int status = 0;

    while (!done(console->text->str, console->text->len, opaque)) {
        gint64 left_ms = (deadline - g_get_monotonic_time()) / 1000;
        if (left_ms <= 0) {
            g_autofree char *lines = last_lines(console);
            g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_TIMEOUT,
                        "%s not seen within %d s; last console output:%s", what,
                        timeout_ms / 1000, *lines ? lines : " (none)");
            return false;
        }
        struct pollfd pfds[2] = { { .fd = console->fd, .events = POLLIN },
                                  { .fd = console->end_fd, .events = POLLIN } };
        struct pollfd *pfd = &pfds[0];
        int ready = poll(pfds, console->end_fd >= 0 ? 2 : 1, (int)MIN(left_ms, POLL_SLICE_MS));
        if (ready > 0 && console->end_fd >= 0 && (pfds[1].revents & POLLIN)) {
            g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_ENDED,
                        "a host plugin ended the analysis while waiting for %s", what);
            return false;
        }
        ready = pfd->revents & (POLLIN | POLLHUP | POLLERR) ? 1 : ready > 0 ? 0 : ready;
        if (ready < 0 && errno != EINTR) {
            g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IO, "poll: %s", g_strerror(errno));
            return false;
        }
        ssize_t got = ready > 0 ? read(console->fd, buffer, sizeof buffer) : -1;
        if (got > 0) {
            append_received(console, buffer, (size_t)got);
            if (console->text->len > MAX_TEXT_BYTES) {
                g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IO,
                            "the guest printed more than %u MiB while waiting for %s",
                            MAX_TEXT_BYTES >> 20, what);
                return false;
            }
            continue;
        }
        if ((got == 0 || (ready > 0 && got < 0 && errno != EINTR && errno != EAGAIN)) ||
            !gp_qemu_process_running(console->process, &status)) {
            gp_qemu_process_wait(console->process, 2000, &status);
            g_autofree char *doing = g_strdup_printf("waiting for %s", what);
            gp_qemu_process_exit_error(console->process, status, doing, error);
            return false;
        }
    }
    return true;
}

void gp_console_set_end_fd(gp_console *console, int fd)
{
    console->end_fd = fd;
}

void gp_console_free(gp_console *console)
{
    if (console) {
        close(console->fd);
        g_string_free(console->text, TRUE);
        g_string_free(console->tail, TRUE);
        g_free(console);
    }
}
