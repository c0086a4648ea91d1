/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest's serial console, reached through QEMU's unix socket. */
#ifndef GP_RUNNER_CONSOLE_H
#define GP_RUNNER_CONSOLE_H

#include <glib.h>
#include <stdbool.h>

#include "qemu_process.h"

typedef struct gp_console gp_console;

/* Connects to PATH, retrying while QEMU creates the socket; gives up early
 * if PROCESS exits. */
gp_console *gp_console_connect(const char *path, gp_qemu_process *process, int timeout_ms,
                               GError **error);

bool gp_console_write(gp_console *console, const char *text, GError **error);

/* Forgets the console text received so far (waits see only what follows). */
void gp_console_discard(gp_console *console);

typedef bool (*gp_console_done_fn)(const char *text, size_t length, void *opaque);

/*
 * Reads until DONE(text, OPAQUE) is true. On timeout fails with
 * GP_RUN_ERROR_TIMEOUT, "WHAT not seen within N s", plus the last lines of
 * console output; on QEMU's exit with GP_RUN_ERROR_QEMU_EXITED and its stderr.
 */
bool gp_console_wait(gp_console *console, gp_console_done_fn done, void *opaque,
                     const char *what, int timeout_ms, GError **error);

/*
 * Another descriptor to watch while waiting (the core's report pipe): when
 * FD(OPAQUE) (-1 for none) is readable, READY(OPAQUE) runs; if it returns
 * true the wait ends with GP_RUN_ERROR_ENDED. Either way DONE is then asked
 * again, so it may depend on what READY took in.
 */
typedef struct gp_console_watch {
    int (*fd)(void *opaque);
    bool (*ready)(void *opaque);
    void *opaque;
} gp_console_watch;
void gp_console_set_watch(gp_console *console, const gp_console_watch *watch);

/* What the guest printed since the last discard (terminal codes removed). */
const char *gp_console_text(const gp_console *console, size_t *length);

/* The last MAX lines of TEXT, each on a new line indented "  | ", for error
 * messages; " (none)" when there are none. */
char *gp_console_indent_last_lines(const char *text, guint max);

void gp_console_free(gp_console *console);

#endif
