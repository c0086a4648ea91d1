/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small synchronous QMP (QEMU Machine Protocol) client.
 *
 * QMP is one JSON object per line over a stream socket: a greeting from QEMU,
 * then request/reply pairs, with asynchronous events ({"event": ...}) that may
 * arrive at any time. This client sends one command at a time and waits for
 * its reply, skipping events on the way (their names are remembered so the
 * runner can ask "did the guest shut down?").
 *
 * Every request carries a numeric "id" that QEMU echoes in the reply. A reply
 * whose id belongs to an earlier command (one that timed out) is dropped, so a
 * late reply can never be mistaken for the answer to the current command and
 * the connection stays usable after a timeout.
 *
 * Timeouts are in milliseconds; a negative timeout waits forever. A
 * connection is not thread-safe: use it from one thread at a time.
 */
#ifndef GP_RUNNER_QMP_H
#define GP_RUNNER_QMP_H

#include <stdbool.h>

#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct gp_qmp gp_qmp;

/* Connect to the QMP unix socket at PATH, retrying while the socket does not
 * exist yet or refuses (QEMU still starting) until TIMEOUT_MS elapses; read
 * the greeting; send qmp_capabilities. TIMEOUT_MS bounds the whole handshake. */
gp_qmp *gp_qmp_connect(const char *path, int timeout_ms, GError **error);

/* Same, over an already connected stream socket FD (takes ownership, also on
 * failure). Used by tests with a socketpair. */
gp_qmp *gp_qmp_new_from_fd(int fd, int timeout_ms, GError **error);

/* Send {"execute":COMMAND,"arguments":ARGUMENTS} (ARGUMENTS may be NULL; not
 * consumed) and wait up to TIMEOUT_MS for the reply. Events arriving meanwhile
 * are skipped and recorded. Returns the "return" member (free with
 * json_node_unref), or NULL with a GError in GP_RUN_ERROR:
 *   QMP          QEMU answered {"error": ...} (message has the command and the
 *                "desc"), or the peer sent something that is not QMP;
 *   QEMU_EXITED  the peer closed the connection;
 *   TIMEOUT      no reply within TIMEOUT_MS;
 *   IO           the socket failed. */
JsonNode *gp_qmp_execute(gp_qmp *qmp, const char *command, JsonObject *arguments,
                         int timeout_ms, GError **error);

/* Run an HMP command line through human-monitor-command and return its output
 * (g_free). HMP reports failure as ordinary output, so output that starts with
 * "Error:" (or has a line that does), and HMP's own complaints about the
 * command line ("unknown command: ...", "Try \"help X\" ..."), fail with
 * GP_RUN_ERROR_QMP and a message containing that output, trailing whitespace
 * removed. */
char *gp_qmp_hmp(gp_qmp *qmp, const char *command_line, int timeout_ms, GError **error);

/* True if an event of that name (e.g. "SHUTDOWN") has been seen on this
 * connection. Only events read while waiting for a reply are seen: the client
 * does not read the socket in the background. */
bool gp_qmp_seen_event(gp_qmp *qmp, const char *event_name);

/* Close the connection and free everything. NULL is allowed. */
void gp_qmp_free(gp_qmp *qmp);

#endif
