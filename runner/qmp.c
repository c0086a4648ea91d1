/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP client: line framing, deadlines, request ids and error messages.
 *
 * The peer is normally QEMU, but the client is written as if it were hostile:
 * every line is size- and depth-checked before json-glib sees it, and every
 * member is type-checked before use, so garbage produces a GError rather than
 * a crash, a glib critical or unbounded memory use.
 */
#include "qmp.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "error.h"

/* QEMU's largest replies (query-qmp-schema) are a few hundred KiB. A longer
 * line means the peer is not QMP; buffering it further only exhausts memory. */
#define QMP_MAX_LINE (16 * 1024 * 1024)

/* json-glib parses recursively, so a line of a million '[' overflows the
 * stack. Real QMP nests a few levels (a long backing chain a few dozen). */
#define QMP_MAX_DEPTH 256

#define QMP_READ_CHUNK 65536

/* How many recent event names to quote in error messages: enough to show
 * e.g. "STOP, SHUTDOWN" before an EOF without flooding the message. */
#define QMP_RECENT_EVENTS 8

/* Bounds on the set behind gp_qmp_seen_event(). QEMU has well under 256
 * event types, so these only matter against a peer inventing names. */
#define QMP_MAX_SEEN_EVENTS 256
#define QMP_MAX_EVENT_NAME 64

/* Pause between connection attempts while QEMU creates its socket. */
#define QMP_CONNECT_RETRY_MS 20

/* How much of an offending line to quote in an error message. */
#define QMP_SNIPPET_BYTES 80

struct gp_qmp {
    int fd;
    char *peer;              /* "QMP socket PATH" or "QMP fd N", for messages */
    GString *inbuf;          /* received bytes not yet consumed as lines */
    gsize scanned;           /* inbuf[0, scanned) is known to hold no '\n' */
    gint64 next_id;          /* "id" of the next request */
    GHashTable *seen_events; /* set of event names seen so far */
    char *recent_events[QMP_RECENT_EVENTS]; /* ring; next slot at recent_next */
    unsigned recent_next;
    GError *fatal;           /* once set, the stream is unusable: every call
                              * reports this error again */
};

/* ---- deadlines ---------------------------------------------------------- */

/* Deadlines are absolute monotonic times in microseconds; -1 means none. An
 * absolute deadline lets one timeout cover many partial reads. */
static gint64 deadline_after(int timeout_ms)
{
    if (timeout_ms < 0) {
        return -1;
    }
    return g_get_monotonic_time() + (gint64)timeout_ms * 1000;
}

/* Milliseconds left for poll(): -1 for no deadline, 0 once it has passed.
 * Rounds up, so poll() never returns early and makes us spin. */
static int remaining_ms(gint64 deadline)
{
    if (deadline < 0) {
        return -1;
    }
    gint64 left_us = deadline - g_get_monotonic_time();
    if (left_us <= 0) {
        return 0;
    }
    gint64 left_ms = (left_us + 999) / 1000;
    return left_ms > INT_MAX ? INT_MAX : (int)left_ms;
}

/* Waits until FD is ready for EVENTS or DEADLINE passes. Returns 1 when ready
 * (or in error/hang-up state, which the following I/O call reports), 0 on
 * timeout, -1 with errno on failure. */
static int wait_fd(int fd, short events, gint64 deadline)
{
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = events };
        int rc = poll(&pfd, 1, remaining_ms(deadline));
        if (rc > 0) {
            return 1;
        }
        if (rc == 0) {
            return 0;
        }
        if (errno != EINTR) {
            return -1;
        }
    }
}

/* ---- bookkeeping -------------------------------------------------------- */

static void record_event(gp_qmp *qmp, const char *name)
{
    if (strlen(name) > QMP_MAX_EVENT_NAME) {
        return;
    }
    if (g_hash_table_size(qmp->seen_events) < QMP_MAX_SEEN_EVENTS) {
        g_hash_table_add(qmp->seen_events, g_strdup(name));
    }
    unsigned slot = qmp->recent_next % QMP_RECENT_EVENTS;
    g_free(qmp->recent_events[slot]);
    qmp->recent_events[slot] = g_strdup(name);
    qmp->recent_next++;
}

/* " (events seen last: A, B)" or "" — what QEMU announced before something
 * went wrong is often the best clue (SHUTDOWN, GUEST_PANICKED, ...). */
static char *recent_events_note(const gp_qmp *qmp)
{
    unsigned count = MIN(qmp->recent_next, QMP_RECENT_EVENTS);
    if (count == 0) {
        return g_strdup("");
    }
    GString *note = g_string_new(" (events seen last: ");
    for (unsigned i = qmp->recent_next - count; i != qmp->recent_next; i++) {
        if (i != qmp->recent_next - count) {
            g_string_append(note, ", ");
        }
        g_string_append(note, qmp->recent_events[i % QMP_RECENT_EVENTS]);
    }
    g_string_append_c(note, ')');
    return g_string_free(note, FALSE);
}

/* Reports ERR and marks the connection unusable: after EOF, an I/O error or a
 * half-sent request there is no way to resynchronise the stream. */
static void fail_fatal(gp_qmp *qmp, GError *err, GError **error)
{
    if (!qmp->fatal) {
        qmp->fatal = g_error_copy(err);
    }
    g_propagate_error(error, err);
}

static bool check_usable(const gp_qmp *qmp, GError **error)
{
    if (qmp->fatal) {
        g_propagate_error(error, g_error_copy(qmp->fatal));
        return false;
    }
    return true;
}

/* A printable excerpt of a line for error messages (g_free). */
static char *snippet(const char *data, gsize len)
{
    g_autofree char *head = g_strndup(data, MIN(len, QMP_SNIPPET_BYTES));
    g_autofree char *escaped = g_strescape(head, NULL);
    return g_strdup_printf("\"%s\"%s", escaped, len > QMP_SNIPPET_BYTES ? "..." : "");
}

/* ---- receiving ---------------------------------------------------------- */

/* Reads the next non-blank line (without "\r\n") into *LINE and *LINE_LEN
 * (g_free). WHAT names what we wait for and HINT says what may be wrong if it
 * does not come, both for messages. A timeout leaves the connection usable;
 * EOF, I/O errors and over-long lines do not. */
static bool read_line(gp_qmp *qmp, const char *what, const char *hint, gint64 deadline,
                      int timeout_ms, char **line, gsize *line_len, GError **error)
{
    GString *in = qmp->inbuf;

    for (;;) {
        const char *newline = memchr(in->str + qmp->scanned, '\n', in->len - qmp->scanned);
        if (newline) {
            gsize consumed = (gsize)(newline - in->str) + 1;
            gsize len = consumed - 1;
            if (len > QMP_MAX_LINE) {
                break; /* reported below, like a line that never ends */
            }
            while (len > 0 && (in->str[len - 1] == '\r' || in->str[len - 1] == ' ' ||
                               in->str[len - 1] == '\t')) {
                len--;
            }
            char *copy = NULL;
            if (len > 0) {
                copy = g_malloc(len + 1);
                memcpy(copy, in->str, len);
                copy[len] = '\0';
            }
            g_string_erase(in, 0, (gssize)consumed);
            qmp->scanned = 0;
            if (copy) {
                *line = copy;
                *line_len = len;
                return true;
            }
            continue; /* blank line: nothing to parse */
        }
        qmp->scanned = in->len;
        if (in->len > QMP_MAX_LINE) {
            break;
        }

        int ready = wait_fd(qmp->fd, POLLIN, deadline);
        if (ready == 0) {
            g_autofree char *note = recent_events_note(qmp);
            g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_TIMEOUT,
                        "timed out after %d ms waiting for %s from %s%s; %s", timeout_ms,
                        what, qmp->peer, note, hint);
            return false;
        }
        ssize_t n = -1;
        int saved_errno = errno; /* poll()'s, if it failed */
        if (ready > 0) {
            gsize old_len = in->len;
            g_string_set_size(in, old_len + QMP_READ_CHUNK);
            n = recv(qmp->fd, in->str + old_len, QMP_READ_CHUNK, MSG_DONTWAIT);
            saved_errno = errno;
            g_string_truncate(in, old_len + (n > 0 ? (gsize)n : 0));
        }
        if (n > 0) {
            continue;
        }
        if (n < 0 && (saved_errno == EINTR || saved_errno == EAGAIN ||
                      saved_errno == EWOULDBLOCK)) {
            continue;
        }
        if (n == 0 || saved_errno == ECONNRESET) {
            g_autofree char *note = recent_events_note(qmp);
            fail_fatal(qmp,
                       g_error_new(GP_RUN_ERROR, GP_RUN_ERROR_QEMU_EXITED,
                                   "QEMU closed the QMP connection (%s) while we waited for "
                                   "%s%s; QEMU has exited or crashed, its log says why",
                                   qmp->peer, what, note),
                       error);
        } else {
            fail_fatal(qmp,
                       g_error_new(GP_RUN_ERROR, GP_RUN_ERROR_IO,
                                   "could not read %s from %s: %s", what, qmp->peer,
                                   g_strerror(saved_errno)),
                       error);
        }
        return false;
    }

    g_autofree char *excerpt = snippet(in->str, in->len);
    fail_fatal(qmp,
               g_error_new(GP_RUN_ERROR, GP_RUN_ERROR_QMP,
                           "%s sent a line longer than %d MiB while we waited for %s "
                           "(starts %s); the peer is not a QMP server or is misbehaving, "
                           "reconnect to recover",
                           qmp->peer, QMP_MAX_LINE / (1024 * 1024), what, excerpt),
               error);
    return false;
}

/* Why LINE must not reach json-glib (g_free), or NULL if it may: it holds a
 * NUL byte, uses more than strict JSON outside strings (comments and single
 * quotes, which json-glib accepts) or nests deeper than QMP_MAX_DEPTH.
 * Knowing exactly where strings are is what makes the depth count
 * trustworthy, hence the character whitelist. */
static char *unsafe_line_reason(const char *line, gsize len)
{
    unsigned depth = 0;
    bool in_string = false;

    /* Checked up front: the string scan below skips escaped characters. */
    if (memchr(line, '\0', len)) {
        return g_strdup("it contains a NUL byte");
    }
    for (gsize i = 0; i < len; i++) {
        char c = line[i];
        if (in_string) {
            if (c == '\\') {
                i++; /* the escaped character cannot end the string */
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        switch (c) {
        case '"':
            in_string = true;
            break;
        case '[':
        case '{':
            if (++depth > QMP_MAX_DEPTH) {
                return g_strdup_printf("it nests deeper than %d levels", QMP_MAX_DEPTH);
            }
            break;
        case ']':
        case '}':
            if (depth > 0) {
                depth--;
            }
            break;
        default:
            /* Structure, whitespace, numbers, true/false/null. */
            if (!strchr(" \t\r:,+-.0123456789eEtrufalsn", c)) {
                return g_strdup("it is not strict JSON");
            }
            break;
        }
    }
    return NULL;
}

/* Parses one line into a JSON object (json_object_unref). Garbage is an error
 * for the current call only: the line is consumed and the stream goes on. */
static JsonObject *parse_message(gp_qmp *qmp, const char *line, gsize len, const char *what,
                                 GError **error)
{
    g_autofree char *why = unsafe_line_reason(line, len);
    g_autoptr(GError) parse_error = NULL;
    JsonObject *object = NULL;

    if (!why) {
        g_autoptr(JsonParser) parser = json_parser_new_immutable();
        if (json_parser_load_from_data(parser, line, (gssize)len, &parse_error)) {
            JsonNode *root = json_parser_get_root(parser);
            if (root && JSON_NODE_HOLDS_OBJECT(root)) {
                object = json_object_ref(json_node_get_object(root));
            } else {
                why = g_strdup("it is not a JSON object");
            }
        } else {
            why = g_strdup(parse_error->message);
        }
    }
    if (!object) {
        g_autofree char *excerpt = snippet(line, len);
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_QMP,
                    "%s sent a malformed QMP message while we waited for %s: %s; "
                    "line: %s. Is this socket really a QEMU QMP monitor?",
                    qmp->peer, what, why, excerpt);
    }
    return object;
}

/* Reads and parses the next message (json_object_unref). */
static JsonObject *read_message(gp_qmp *qmp, const char *what, const char *hint,
                                gint64 deadline, int timeout_ms, GError **error)
{
    char *line = NULL;
    gsize line_len = 0;

    if (!read_line(qmp, what, hint, deadline, timeout_ms, &line, &line_len, error)) {
        return NULL;
    }
    JsonObject *message = parse_message(qmp, line, line_len, what, error);
    g_free(line);
    return message;
}

/* A printable excerpt of a well-formed but unexpected MESSAGE (g_free). */
static char *message_snippet(JsonObject *message)
{
    JsonNode *node = json_node_init_object(json_node_alloc(), message);
    g_autofree char *text = json_to_string(node, FALSE);
    json_node_unref(node);
    return snippet(text, strlen(text));
}

/* The string value of member NAME, or NULL if absent or not a string. (The
 * json_object_get_*_member() accessors emit criticals on a type mismatch.) */
static const char *member_string(JsonObject *object, const char *name)
{
    JsonNode *node = json_object_get_member(object, name);
    if (!node || !JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_STRING) {
        return NULL;
    }
    return json_node_get_string(node);
}

/* True if a reply belongs to request ID. A reply without "id" is accepted:
 * QEMU always echoes the id, so only a minimal peer omits it. */
static bool reply_matches(JsonObject *reply, gint64 id)
{
    JsonNode *node = json_object_get_member(reply, "id");
    if (!node) {
        return true;
    }
    return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_INT64 &&
           json_node_get_int(node) == id;
}

/* ---- events ------------------------------------------------------------- */

/* Records MESSAGE if it is an event; returns whether it was one. */
static bool take_event(gp_qmp *qmp, JsonObject *message)
{
    if (!json_object_has_member(message, "event")) {
        return false;
    }
    const char *event = member_string(message, "event");
    if (event) {
        record_event(qmp, event);
    }
    return true;
}

/* After the peer hung up, reads whatever it said before going (typically
 * SHUTDOWN) so that the error message and gp_qmp_seen_event() reflect it. */
static void take_pending_events(gp_qmp *qmp)
{
    for (;;) {
        g_autoptr(GError) error = NULL;
        JsonObject *message =
            read_message(qmp, "pending events", "", deadline_after(0), 0, &error);
        if (message) {
            take_event(qmp, message);
            json_object_unref(message);
            continue;
        }
        /* A malformed line is consumed and skipped; anything else means
         * there is nothing more to read. */
        if (qmp->fatal || !g_error_matches(error, GP_RUN_ERROR, GP_RUN_ERROR_QMP)) {
            break;
        }
    }
    /* The caller reports the hang-up in its own words. */
    g_clear_error(&qmp->fatal);
}

/* ---- sending ------------------------------------------------------------ */

/* Sends all of DATA before DEADLINE. WHAT names the request for messages. */
static bool send_all(gp_qmp *qmp, const char *what, const char *data, gsize len,
                     gint64 deadline, int timeout_ms, GError **error)
{
    gsize sent = 0;

    while (sent < len) {
        /* MSG_NOSIGNAL: a dead QEMU must become EPIPE, not kill the runner.
         * MSG_DONTWAIT: a hung QEMU must not block us past the deadline. */
        ssize_t n = send(qmp->fd, data + sent, len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0) {
            sent += (gsize)n;
            continue;
        }
        int saved_errno = errno;
        if (saved_errno == EINTR) {
            continue;
        }
        if (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK) {
            int ready = wait_fd(qmp->fd, POLLOUT, deadline);
            if (ready > 0) {
                continue;
            }
            if (ready == 0) {
                GError *err = g_error_new(GP_RUN_ERROR, GP_RUN_ERROR_TIMEOUT,
                                          "could not send %s to %s within %d ms: QEMU is not "
                                          "reading its monitor (hung or overloaded?); retry "
                                          "with a longer timeout",
                                          what, qmp->peer, timeout_ms);
                if (sent > 0) {
                    /* Half a request is in the stream; QEMU would misparse
                     * whatever we sent next. */
                    fail_fatal(qmp, err, error);
                } else {
                    g_propagate_error(error, err);
                }
                return false;
            }
            saved_errno = errno;
        }
        if (saved_errno == EPIPE || saved_errno == ECONNRESET) {
            take_pending_events(qmp);
            g_autofree char *note = recent_events_note(qmp);
            fail_fatal(qmp,
                       g_error_new(GP_RUN_ERROR, GP_RUN_ERROR_QEMU_EXITED,
                                   "QEMU closed the QMP connection (%s) before %s could be "
                                   "sent%s; QEMU has exited or crashed, its log says why",
                                   qmp->peer, what, note),
                       error);
        } else {
            fail_fatal(qmp,
                       g_error_new(GP_RUN_ERROR, GP_RUN_ERROR_IO,
                                   "could not send %s to %s: %s", what, qmp->peer,
                                   g_strerror(saved_errno)),
                       error);
        }
        return false;
    }
    return true;
}

/* ---- commands ----------------------------------------------------------- */

/* Turns {"error": {"class": ..., "desc": ...}} into a GError. */
static void set_command_error(const char *command, JsonObject *reply, GError **error)
{
    JsonNode *node = json_object_get_member(reply, "error");
    const char *class_name = NULL;
    const char *desc = NULL;

    if (node && JSON_NODE_HOLDS_OBJECT(node)) {
        class_name = member_string(json_node_get_object(node), "class");
        desc = member_string(json_node_get_object(node), "desc");
    }
    g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_QMP, "QEMU rejected QMP command '%s': %s (%s)",
                command, desc ? desc : "no description given",
                class_name ? class_name : "no error class");
}

/* Sends COMMAND and waits for its reply until DEADLINE. */
static JsonNode *execute_until(gp_qmp *qmp, const char *command, JsonObject *arguments,
                               gint64 deadline, int timeout_ms, GError **error)
{
    if (!check_usable(qmp, error)) {
        return NULL;
    }

    gint64 id = qmp->next_id++;
    g_autofree char *what_request = g_strdup_printf("QMP command '%s'", command);
    g_autofree char *what_reply = g_strdup_printf("the reply to QMP command '%s'", command);

    g_autoptr(JsonBuilder) builder = json_builder_new_immutable();
    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "execute");
    json_builder_add_string_value(builder, command);
    if (arguments) {
        /* The node takes its own reference, so ARGUMENTS stays the caller's. */
        JsonNode *arguments_node = json_node_init_object(json_node_alloc(), arguments);
        json_builder_set_member_name(builder, "arguments");
        json_builder_add_value(builder, arguments_node);
    }
    json_builder_set_member_name(builder, "id");
    json_builder_add_int_value(builder, id);
    json_builder_end_object(builder);

    g_autoptr(JsonNode) request_node = json_builder_get_root(builder);
    g_autofree char *request = json_to_string(request_node, FALSE);
    g_autofree char *request_line = g_strconcat(request, "\r\n", NULL);
    if (!send_all(qmp, what_request, request_line, strlen(request_line), deadline, timeout_ms,
                  error)) {
        return NULL;
    }

    for (;;) {
        g_autoptr(JsonObject) message =
            read_message(qmp, what_reply, "QEMU may be hung or busy; retry with a longer timeout",
                         deadline, timeout_ms, error);
        if (!message) {
            return NULL;
        }
        if (take_event(qmp, message)) {
            continue;
        }
        bool is_return = json_object_has_member(message, "return");
        bool is_error = json_object_has_member(message, "error");
        if (!is_return && !is_error) {
            g_autofree char *excerpt = message_snippet(message);
            g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_QMP,
                        "%s sent a message that is neither a reply nor an event while we "
                        "waited for %s: %s", qmp->peer, what_reply, excerpt);
            return NULL;
        }
        if (!reply_matches(message, id)) {
            continue; /* the late reply to an earlier command that timed out */
        }
        if (is_error) {
            set_command_error(command, message, error);
            return NULL;
        }
        return json_object_dup_member(message, "return");
    }
}

/* ---- public API --------------------------------------------------------- */

/* Reads the greeting and leaves capabilities negotiation mode. Consumes PEER;
 * closes FD on failure. */
static gp_qmp *qmp_open(int fd, char *peer, gint64 deadline, int timeout_ms, GError **error)
{
    gp_qmp *qmp = g_new0(gp_qmp, 1);
    qmp->fd = fd;
    qmp->peer = peer;
    qmp->inbuf = g_string_sized_new(4096);
    qmp->next_id = 1;
    qmp->seen_events = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    g_autoptr(JsonObject) greeting =
        read_message(qmp, "the QMP greeting",
                     "QEMU may still be starting, or another client holds this monitor "
                     "(QEMU serves one QMP client at a time)",
                     deadline, timeout_ms, error);
    if (!greeting) {
        gp_qmp_free(qmp);
        return NULL;
    }
    JsonNode *banner = json_object_get_member(greeting, "QMP");
    if (!banner || !JSON_NODE_HOLDS_OBJECT(banner)) {
        g_autofree char *excerpt = message_snippet(greeting);
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_QMP,
                    "%s did not greet with {\"QMP\": ...} but sent %s; is it a QMP monitor "
                    "(-qmp unix:PATH,server=on) rather than an HMP monitor or a serial port?",
                    qmp->peer, excerpt);
        gp_qmp_free(qmp);
        return NULL;
    }

    JsonNode *reply = execute_until(qmp, "qmp_capabilities", NULL, deadline, timeout_ms, error);
    if (!reply) {
        gp_qmp_free(qmp);
        return NULL;
    }
    json_node_unref(reply);
    return qmp;
}

gp_qmp *gp_qmp_new_from_fd(int fd, int timeout_ms, GError **error)
{
    if (fd < 0) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_USAGE,
                    "gp_qmp_new_from_fd() needs a connected socket, got fd %d", fd);
        return NULL;
    }
    return qmp_open(fd, g_strdup_printf("QMP fd %d", fd), deadline_after(timeout_ms),
                    timeout_ms, error);
}

gp_qmp *gp_qmp_connect(const char *path, int timeout_ms, GError **error)
{
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    gsize path_len = strlen(path);

    if (path_len >= sizeof(address.sun_path)) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IO,
                    "QMP socket path %s is %zu bytes long, but a unix socket address holds "
                    "at most %zu; use a shorter directory (e.g. set TMPDIR=/tmp)",
                    path, path_len, sizeof(address.sun_path) - 1);
        return NULL;
    }
    memcpy(address.sun_path, path, path_len + 1);

    gint64 deadline = deadline_after(timeout_ms);
    for (;;) {
        /* CLOEXEC: QEMU processes the runner spawns later must not inherit it. */
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IO,
                        "could not create a socket for QMP socket %s: %s", path,
                        g_strerror(errno));
            return NULL;
        }
        if (connect(fd, (const struct sockaddr *)&address, sizeof(address)) == 0) {
            return qmp_open(fd, g_strdup_printf("QMP socket %s", path), deadline, timeout_ms,
                            error);
        }
        int saved_errno = errno;
        close(fd);

        /* Not there yet, or there but not listening yet (or a stale file
         * from an earlier QEMU): QEMU may still be starting, so try again. */
        bool retry = saved_errno == ENOENT || saved_errno == ECONNREFUSED ||
                     saved_errno == EAGAIN || saved_errno == EINTR;
        if (!retry) {
            g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IO,
                        "could not connect to QMP socket %s: %s", path, g_strerror(saved_errno));
            return NULL;
        }
        int left_ms = remaining_ms(deadline);
        if (left_ms == 0) {
            g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_TIMEOUT,
                        "QMP socket %s did not accept a connection within %d ms (%s); is QEMU "
                        "running with -qmp unix:%s,server=on,wait=off? If QEMU exited, its "
                        "log says why",
                        path, timeout_ms, g_strerror(saved_errno), path);
            return NULL;
        }
        int pause_ms = left_ms < 0 ? QMP_CONNECT_RETRY_MS : MIN(left_ms, QMP_CONNECT_RETRY_MS);
        g_usleep((gulong)pause_ms * 1000);
    }
}

JsonNode *gp_qmp_execute(gp_qmp *qmp, const char *command, JsonObject *arguments,
                         int timeout_ms, GError **error)
{
    return execute_until(qmp, command, arguments, deadline_after(timeout_ms), timeout_ms, error);
}

/* HMP reports failure as ordinary output, in three shapes (QEMU 11.1):
 *   the command failed:   "Error: no block device can store vmstate for
 *                         snapshot" — possibly after "warning: ..." lines,
 *                         so every line start counts;
 *   no such command:      "unknown command: 'savevn'";
 *   bad arguments:        "savevm: extraneous characters at the end of line"
 *                         then "Try \"help savevm\" for more information".
 * The last two do not say "Error:" and would otherwise pass as success. */
static bool hmp_output_is_error(const char *output)
{
    return g_str_has_prefix(output, "Error:") || strstr(output, "\nError:") != NULL ||
           g_str_has_prefix(output, "unknown command:") ||
           strstr(output, "\nTry \"help ") != NULL;
}

char *gp_qmp_hmp(gp_qmp *qmp, const char *command_line, int timeout_ms, GError **error)
{
    JsonObject *arguments = json_object_new();
    json_object_set_string_member(arguments, "command-line", command_line);
    JsonNode *reply = gp_qmp_execute(qmp, "human-monitor-command", arguments, timeout_ms, error);
    json_object_unref(arguments);
    if (!reply) {
        g_prefix_error(error, "HMP command '%s': ", command_line);
        return NULL;
    }

    char *output = NULL;
    if (JSON_NODE_HOLDS_VALUE(reply) && json_node_get_value_type(reply) == G_TYPE_STRING) {
        output = g_strdup(json_node_get_string(reply));
    }
    json_node_unref(reply);
    if (!output) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_QMP,
                    "HMP command '%s': %s answered human-monitor-command with something "
                    "other than a string; is the peer really QEMU?",
                    command_line, qmp->peer);
        return NULL;
    }
    if (hmp_output_is_error(output)) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_QMP, "HMP command '%s' failed: %s",
                    command_line, g_strchomp(output));
        g_free(output);
        return NULL;
    }
    return output;
}

bool gp_qmp_seen_event(gp_qmp *qmp, const char *event_name)
{
    return g_hash_table_contains(qmp->seen_events, event_name);
}

void gp_qmp_free(gp_qmp *qmp)
{
    if (!qmp) {
        return;
    }
    if (qmp->fd >= 0) {
        close(qmp->fd);
    }
    g_free(qmp->peer);
    g_string_free(qmp->inbuf, TRUE);
    g_hash_table_destroy(qmp->seen_events);
    for (unsigned i = 0; i < QMP_RECENT_EVENTS; i++) {
        g_free(qmp->recent_events[i]);
    }
    g_clear_error(&qmp->fatal);
    g_free(qmp);
}
