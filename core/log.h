/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host log. QEMU's own qemu_plugin_outs() only prints under `-d plugin`,
 * but what guestplug logs (failed loads, guest errors) is meant for the user,
 * so it goes to stderr, one line per message, prefixed "guestplug: ".
 */
#ifndef GP_CORE_LOG_H
#define GP_CORE_LOG_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

void gp_log(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Guest-supplied bytes made safe for one log line: printable ASCII kept,
 * everything else (newlines, escapes, invalid UTF-8) shown as \xNN. */
char *gp_printable(const uint8_t *bytes, size_t length);

#endif
