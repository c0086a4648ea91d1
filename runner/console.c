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
    gp_console_watch watch;
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

char *gp_console_indent_last_lines(const char *text, guint max)
{
    g_autofree char *copy = g_strchomp(g_strdup(text));
    g_auto(GStrv) lines = g_strsplit(copy, "\n", -1);
    guint count = g_strv_length(lines);
    GString *out = g_string_new(NULL);

    for (guint i = count > max ? count - max : 0; i < count; i++) {
        g_string_append_printf(out, "\n  | %s", lines[i]);
    }
    if (out->len == 0) {
        g_string_append(out, " (none)");
    }
    return g_string_free(out, FALSE);
}

const char *gp_console_text(const gp_console *console, size_t *length)
{
    *length = console->text->len;
    return console->text->str;
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
            g_autofree char *lines = gp_console_indent_last_lines(console->tail->str, 15);
            g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_TIMEOUT,
                        "%s not seen within %d s; last console output:%s", what,
                        timeout_ms / 1000, lines);
            return false;
        }
        int watched = console->watch.fd ? console->watch.fd(console->watch.opaque) : -1;
        struct pollfd pfds[2] = { { .fd = console->fd, .events = POLLIN },
                                  { .fd = watched, .events = POLLIN } };
        struct pollfd *pfd = &pfds[0];
        int ready = poll(pfds, watched >= 0 ? 2 : 1, (int)MIN(left_ms, POLL_SLICE_MS));
        if (ready > 0 && watched >= 0 && (pfds[1].revents & (POLLIN | POLLHUP))) {
            if (console->watch.ready(console->watch.opaque)) {
                g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_ENDED,
                            "a host plugin ended the analysis while waiting for %s", what);
                return false;
            }
            if (!(pfd->revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
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

void gp_console_set_watch(gp_console *console, const gp_console_watch *watch)
{
    console->watch = *watch;
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
