/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for runner/qmp.c against a fake QMP server on a socketpair.
 *
 * Most tests write the server's lines into the socket buffer before calling
 * the client: the client only reads after it has sent, so the order holds.
 * Tests that need the server to react (split writes, echoing ids, closing
 * after a request, a real listening socket) run it in a thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "error.h"
#include "qmp.h"

#define GREETING                                                                          \
    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 3, \"minor\": 1, \"major\": 11}, "    \
    "\"package\": \"Debian 1:11.1.3\"}, \"capabilities\": [\"oob\"]}}\r\n"
#define EMPTY_RETURN "{\"return\": {}}\r\n"

/* Generous for "should answer now" waits, so a loaded CI machine does not
 * turn into flaky failures. */
#define LONG_MS 5000

/* ---- helpers ------------------------------------------------------------ */

/* For helpers that also run in server threads: cmocka's assertions longjmp
 * into the test's stack, which is undefined from another thread. */
#define require(condition)                                                               \
    do {                                                                                 \
        if (!(condition)) {                                                              \
            fprintf(stderr, "%s:%d: requirement failed: %s\n", __FILE__, __LINE__,        \
                    #condition);                                                         \
            abort();                                                                     \
        }                                                                                \
    } while (0)

static void write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        require(n > 0);
        data += n;
        len -= (size_t)n;
    }
}

static void write_str(int fd, const char *text)
{
    write_all(fd, text, strlen(text));
}

/* Reads one request line the client sent, byte by byte so that a following
 * request stays in the socket, and parses it (json_object_unref). */
static JsonObject *read_request(int fd)
{
    GString *line = g_string_new(NULL);
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        require(poll(&pfd, 1, LONG_MS) == 1);
        char c;
        ssize_t n = recv(fd, &c, 1, 0);
        require(n == 1);
        if (c == '\n') {
            break;
        }
        g_string_append_c(line, c);
    }
    require(g_str_has_suffix(line->str, "\r"));

    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    require(json_parser_load_from_data(parser, line->str, -1, &error));
    JsonNode *root = json_parser_get_root(parser);
    require(JSON_NODE_HOLDS_OBJECT(root));
    g_string_free(line, TRUE);
    return json_object_ref(json_node_get_object(root));
}

static gint64 request_id(JsonObject *request)
{
    JsonNode *id = json_object_get_member(request, "id");
    require(id != NULL);
    require(json_node_get_value_type(id) == G_TYPE_INT64);
    return json_node_get_int(id);
}

/* Checks a request is {"execute": COMMAND, "id": <int>} plus arguments. */
static void check_request(JsonObject *request, const char *command, bool has_arguments)
{
    assert_string_equal(json_object_get_string_member(request, "execute"), command);
    assert_int_equal(json_object_has_member(request, "arguments"), has_arguments);
    (void)request_id(request);
}

static void check_error(const GError *error, int code, const char *needle, const char *file,
                        int line)
{
    if (!error) {
        fail_msg("%s:%d: expected an error containing \"%s\", got success", file, line, needle);
        return; /* not reached: fail_msg() longjmps, but is not marked noreturn */
    }
    if (!g_error_matches(error, GP_RUN_ERROR, code) || !strstr(error->message, needle)) {
        fail_msg("%s:%d: expected error code %d containing \"%s\", got code %d: %s", file, line,
                 code, needle, error->code, error->message);
    }
}
#define assert_gp_error(error, code, needle) check_error(error, code, needle, __FILE__, __LINE__)

/* A connected client and the fake server's end. */
typedef struct {
    gp_qmp *qmp;
    int server;
} fixture;

/* Connects over a socketpair and checks the handshake the client performs. */
static fixture open_fixture(void)
{
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    write_str(fds[1], GREETING EMPTY_RETURN);

    g_autoptr(GError) error = NULL;
    gp_qmp *qmp = gp_qmp_new_from_fd(fds[0], LONG_MS, &error);
    assert_null(error);
    assert_non_null(qmp);

    g_autoptr(JsonObject) request = read_request(fds[1]);
    check_request(request, "qmp_capabilities", false);
    return (fixture){ .qmp = qmp, .server = fds[1] };
}

static void close_fixture(fixture *f)
{
    gp_qmp_free(f->qmp);
    if (f->server >= 0) {
        close(f->server);
    }
}

/* ---- a scripted server thread ------------------------------------------- */

/* Writes CHUNKS one by one with a pause in between; with ECHO_REQUESTS it
 * first reads that many requests and answers each with {"return": "ok"}
 * carrying the request's id. */
typedef struct {
    int fd;
    const char *const *chunks;
    int pause_ms;
    int echo_requests;
    bool close_after;
} script;

static void *run_script(void *arg)
{
    script *s = arg;
    for (int i = 0; i < s->echo_requests; i++) {
        g_autoptr(JsonObject) request = read_request(s->fd);
        g_autofree char *reply = g_strdup_printf(
            "{\"return\": \"ok\", \"id\": %" G_GINT64_FORMAT "}\r\n", request_id(request));
        write_str(s->fd, reply);
    }
    for (int i = 0; s->chunks && s->chunks[i]; i++) {
        g_usleep((gulong)s->pause_ms * 1000);
        write_str(s->fd, s->chunks[i]);
    }
    if (s->close_after) {
        close(s->fd);
    }
    return NULL;
}

/* ---- handshake ---------------------------------------------------------- */

static void test_handshake(void **state)
{
    (void)state;
    fixture f = open_fixture();
    assert_false(gp_qmp_seen_event(f.qmp, "SHUTDOWN"));
    close_fixture(&f);
}

static void test_handshake_rejects_non_qmp_peer(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    write_str(fds[1], "{\"hello\": \"serial console\"}\r\n");

    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_new_from_fd(fds[0], LONG_MS, &error));
    assert_gp_error(error, GP_RUN_ERROR_QMP, "did not greet");
    close(fds[1]);
}

static void test_handshake_timeout(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);

    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_new_from_fd(fds[0], 100, &error));
    assert_gp_error(error, GP_RUN_ERROR_TIMEOUT, "the QMP greeting");
    assert_non_null(strstr(error->message, "100 ms"));
    close(fds[1]);
}

static void test_handshake_capabilities_refused(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    write_str(fds[1], GREETING "{\"error\": {\"class\": \"CommandNotFound\", "
                               "\"desc\": \"Capabilities negotiation is already complete\"}}\r\n");

    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_new_from_fd(fds[0], LONG_MS, &error));
    assert_gp_error(error, GP_RUN_ERROR_QMP, "already complete");
    assert_non_null(strstr(error->message, "qmp_capabilities"));
    close(fds[1]);
}

static void test_new_from_bad_fd(void **state)
{
    (void)state;
    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_new_from_fd(-1, LONG_MS, &error));
    assert_gp_error(error, GP_RUN_ERROR_USAGE, "fd -1");
}

/* ---- execute ------------------------------------------------------------ */

static void test_execute_returns_object(void **state)
{
    (void)state;
    fixture f = open_fixture();
    write_str(f.server, "{\"return\": {\"status\": \"running\", \"running\": true}}\r\n");

    JsonObject *arguments = json_object_new();
    json_object_set_string_member(arguments, "device", "disk0");
    json_object_set_int_member(arguments, "size", 42);
    g_autoptr(GError) error = NULL;
    JsonNode *reply = gp_qmp_execute(f.qmp, "block_resize", arguments, LONG_MS, &error);
    assert_null(error);
    assert_non_null(reply);
    assert_true(JSON_NODE_HOLDS_OBJECT(reply));
    JsonObject *result = json_node_get_object(reply);
    assert_string_equal(json_object_get_string_member(result, "status"), "running");
    assert_true(json_object_get_boolean_member(result, "running"));
    json_node_unref(reply);

    /* The request: command, arguments as given, and a fresh id. */
    g_autoptr(JsonObject) request = read_request(f.server);
    check_request(request, "block_resize", true);
    JsonObject *sent = json_object_get_object_member(request, "arguments");
    assert_string_equal(json_object_get_string_member(sent, "device"), "disk0");
    assert_int_equal(json_object_get_int_member(sent, "size"), 42);
    assert_int_equal(json_object_get_size(sent), 2);

    /* ARGUMENTS still belongs to the caller. */
    assert_int_equal(json_object_get_int_member(arguments, "size"), 42);
    json_object_unref(arguments);
    close_fixture(&f);
}

static void test_execute_without_arguments(void **state)
{
    (void)state;
    fixture f = open_fixture();
    write_str(f.server, "{\"return\": 7}\r\n");

    g_autoptr(GError) error = NULL;
    JsonNode *reply = gp_qmp_execute(f.qmp, "query-answer", NULL, LONG_MS, &error);
    assert_null(error);
    assert_int_equal(json_node_get_int(reply), 7);
    json_node_unref(reply);

    g_autoptr(JsonObject) request = read_request(f.server);
    check_request(request, "query-answer", false);
    close_fixture(&f);
}

static void test_request_ids_increase(void **state)
{
    (void)state;
    fixture f = open_fixture();
    write_str(f.server, EMPTY_RETURN EMPTY_RETURN);

    for (int i = 0; i < 2; i++) {
        g_autoptr(GError) error = NULL;
        JsonNode *reply = gp_qmp_execute(f.qmp, "stop", NULL, LONG_MS, &error);
        assert_non_null(reply);
        json_node_unref(reply);
    }
    g_autoptr(JsonObject) first = read_request(f.server);
    g_autoptr(JsonObject) second = read_request(f.server);
    assert_true(request_id(second) > request_id(first));
    close_fixture(&f);
}

static void test_events_before_reply_are_skipped(void **state)
{
    (void)state;
    fixture f = open_fixture();
    write_str(f.server,
              "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"STOP\"}\r\n"
              "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 3}, \"event\": \"SHUTDOWN\", "
              "\"data\": {\"guest\": true, \"reason\": \"guest-shutdown\"}}\r\n"
              "{\"event\": 17}\r\n" /* nameless: ignored, not fatal */
              "{\"return\": {}}\r\n");

    g_autoptr(GError) error = NULL;
    JsonNode *reply = gp_qmp_execute(f.qmp, "query-status", NULL, LONG_MS, &error);
    assert_null(error);
    assert_true(JSON_NODE_HOLDS_OBJECT(reply));
    json_node_unref(reply);
    assert_true(gp_qmp_seen_event(f.qmp, "SHUTDOWN"));
    assert_true(gp_qmp_seen_event(f.qmp, "STOP"));
    assert_false(gp_qmp_seen_event(f.qmp, "RESET"));
    close_fixture(&f);
}

static void test_many_distinct_events(void **state)
{
    (void)state;
    fixture f = open_fixture();
    /* More names than the client keeps: bookkeeping must stay bounded. */
    GString *events = g_string_new(NULL);
    for (int i = 0; i < 1000; i++) {
        g_string_append_printf(events, "{\"event\": \"EVENT_%d\"}\r\n", i);
    }
    g_string_append(events, EMPTY_RETURN);
    pthread_t thread;
    const char *chunks[] = { events->str, NULL };
    script s = { .fd = f.server, .chunks = chunks };
    assert_int_equal(pthread_create(&thread, NULL, run_script, &s), 0);

    g_autoptr(GError) error = NULL;
    JsonNode *reply = gp_qmp_execute(f.qmp, "cont", NULL, LONG_MS, &error);
    assert_null(error);
    json_node_unref(reply);
    pthread_join(thread, NULL);
    assert_true(gp_qmp_seen_event(f.qmp, "EVENT_0"));
    g_string_free(events, TRUE);
    close_fixture(&f);
}

static void test_error_reply(void **state)
{
    (void)state;
    fixture f = open_fixture();
    write_str(f.server, "{\"error\": {\"class\": \"DeviceNotFound\", "
                        "\"desc\": \"Device 'disk9' not found\"}}\r\n");

    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_execute(f.qmp, "block_resize", NULL, LONG_MS, &error));
    assert_gp_error(error, GP_RUN_ERROR_QMP, "Device 'disk9' not found");
    assert_non_null(strstr(error->message, "block_resize"));
    assert_non_null(strstr(error->message, "DeviceNotFound"));

    /* A failed command leaves the connection usable. */
    write_str(f.server, EMPTY_RETURN);
    g_clear_error(&error);
    JsonNode *reply = gp_qmp_execute(f.qmp, "cont", NULL, LONG_MS, &error);
    assert_non_null(reply);
    json_node_unref(reply);
    close_fixture(&f);
}

static void test_error_reply_garbled(void **state)
{
    (void)state;
    fixture f = open_fixture();
    write_str(f.server, "{\"error\": 42}\r\n{\"error\": {\"desc\": [1]}}\r\n");

    for (int i = 0; i < 2; i++) {
        g_autoptr(GError) error = NULL;
        assert_null(gp_qmp_execute(f.qmp, "stop", NULL, LONG_MS, &error));
        assert_gp_error(error, GP_RUN_ERROR_QMP, "no description given");
    }
    close_fixture(&f);
}

static void test_stale_reply_is_skipped(void **state)
{
    (void)state;
    fixture f = open_fixture();
    /* An id no request of ours has: the reply to something else. */
    write_str(f.server, "{\"return\": \"stale\", \"id\": 123456}\r\n"
                        "{\"return\": \"stale\", \"id\": \"text\"}\r\n"
                        "{\"return\": \"fresh\"}\r\n");

    g_autoptr(GError) error = NULL;
    JsonNode *reply = gp_qmp_execute(f.qmp, "query-name", NULL, LONG_MS, &error);
    assert_null(error);
    assert_string_equal(json_node_get_string(reply), "fresh");
    json_node_unref(reply);
    close_fixture(&f);
}

static void test_blank_lines_are_ignored(void **state)
{
    (void)state;
    fixture f = open_fixture();
    write_str(f.server, "\r\n\n  \r\n{\"return\": true}\n");

    g_autoptr(GError) error = NULL;
    JsonNode *reply = gp_qmp_execute(f.qmp, "query-kvm", NULL, LONG_MS, &error);
    assert_null(error);
    assert_true(json_node_get_boolean(reply));
    json_node_unref(reply);
    close_fixture(&f);
}

static void test_reply_split_across_writes(void **state)
{
    (void)state;
    fixture f = open_fixture();
    static const char *const chunks[] = {
        "{\"event\": \"RES", "UME\"}\r", "\n{\"ret", "urn\": {\"a\": ", "[1, 2, 3]}}", "\r", "\n",
        NULL,
    };
    script s = { .fd = f.server, .chunks = chunks, .pause_ms = 20 };
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, run_script, &s), 0);

    g_autoptr(GError) error = NULL;
    JsonNode *reply = gp_qmp_execute(f.qmp, "query-a", NULL, LONG_MS, &error);
    pthread_join(thread, NULL);
    assert_null(error);
    JsonArray *a = json_object_get_array_member(json_node_get_object(reply), "a");
    assert_int_equal(json_array_get_length(a), 3);
    assert_int_equal(json_array_get_int_element(a, 2), 3);
    json_node_unref(reply);
    assert_true(gp_qmp_seen_event(f.qmp, "RESUME"));
    close_fixture(&f);
}

/* ---- HMP ---------------------------------------------------------------- */

static void test_hmp_empty_output_is_success(void **state)
{
    (void)state;
    fixture f = open_fixture();
    write_str(f.server, "{\"return\": \"\"}\r\n");

    g_autoptr(GError) error = NULL;
    g_autofree char *output = gp_qmp_hmp(f.qmp, "savevm root", LONG_MS, &error);
    assert_null(error);
    assert_string_equal(output, "");

    g_autoptr(JsonObject) request = read_request(f.server);
    check_request(request, "human-monitor-command", true);
    JsonObject *arguments = json_object_get_object_member(request, "arguments");
    assert_string_equal(json_object_get_string_member(arguments, "command-line"), "savevm root");
    close_fixture(&f);
}

static void test_hmp_output_is_returned(void **state)
{
    (void)state;
    fixture f = open_fixture();
    write_str(f.server, "{\"return\": \"11.1.3Debian 1:11.1.3\\r\\n\"}\r\n");

    g_autoptr(GError) error = NULL;
    g_autofree char *output = gp_qmp_hmp(f.qmp, "info version", LONG_MS, &error);
    assert_null(error);
    assert_string_equal(output, "11.1.3Debian 1:11.1.3\r\n");
    close_fixture(&f);
}

static void test_hmp_error_output_fails(void **state)
{
    (void)state;
    fixture f = open_fixture();
    write_str(f.server, "{\"return\": \"Error: snapshot 'x' not found\\r\\n\"}\r\n");

    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_hmp(f.qmp, "loadvm x", LONG_MS, &error));
    assert_gp_error(error, GP_RUN_ERROR_QMP, "Error: snapshot 'x' not found");
    assert_true(g_str_has_suffix(error->message, "not found")); /* whitespace stripped */
    assert_non_null(strstr(error->message, "loadvm x"));
    close_fixture(&f);
}

static void test_hmp_error_after_warning_fails(void **state)
{
    (void)state;
    fixture f = open_fixture();
    write_str(f.server,
              "{\"return\": \"warning: something odd\\r\\nError: Device 'x' is writable\\r\\n\"}\r\n");

    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_hmp(f.qmp, "savevm x", LONG_MS, &error));
    assert_gp_error(error, GP_RUN_ERROR_QMP, "Error: Device 'x' is writable");
    close_fixture(&f);
}

static void test_hmp_command_line_errors_fail(void **state)
{
    (void)state;
    /* Verbatim from QEMU 11.1.3. */
    static const struct {
        const char *reply;
        const char *expected;
    } cases[] = {
        { "{\"return\": \"unknown command: 'savevn'\\r\\n\"}\r\n", "unknown command: 'savevn'" },
        { "{\"return\": \"savevm: extraneous characters at the end of line\\r\\n"
          "Try \\\"help savevm\\\" for more information\\r\\n\"}\r\n",
          "extraneous characters" },
        { "{\"return\": \"loadvm: string expected\\r\\n"
          "Try \\\"help loadvm\\\" for more information\\r\\n\"}\r\n",
          "loadvm: string expected" },
    };
    fixture f = open_fixture();
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        write_str(f.server, cases[i].reply);
        g_autoptr(GError) error = NULL;
        assert_null(gp_qmp_hmp(f.qmp, "whatever", LONG_MS, &error));
        assert_gp_error(error, GP_RUN_ERROR_QMP, cases[i].expected);
    }
    close_fixture(&f);
}

static void test_hmp_non_string_reply(void **state)
{
    (void)state;
    fixture f = open_fixture();
    write_str(f.server, "{\"return\": {}}\r\n");

    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_hmp(f.qmp, "info status", LONG_MS, &error));
    assert_gp_error(error, GP_RUN_ERROR_QMP, "other than a string");
    close_fixture(&f);
}

static void test_hmp_qmp_error_names_command_line(void **state)
{
    (void)state;
    fixture f = open_fixture();
    write_str(f.server, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"boom\"}}\r\n");

    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_hmp(f.qmp, "info bogus", LONG_MS, &error));
    assert_gp_error(error, GP_RUN_ERROR_QMP, "boom");
    assert_non_null(strstr(error->message, "info bogus"));
    close_fixture(&f);
}

/* ---- peer going away ---------------------------------------------------- */

static void test_peer_closes_while_waiting(void **state)
{
    (void)state;
    fixture f = open_fixture();
    /* Like QEMU on "quit" after a guest shutdown: an event, then EOF. */
    static const char *const chunks[] = { "{\"event\": \"SHUTDOWN\"}\r\n", NULL };
    script s = { .fd = f.server, .chunks = chunks, .close_after = true };
    f.server = -1; /* the script closes it */
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, run_script, &s), 0);

    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_execute(f.qmp, "query-status", NULL, LONG_MS, &error));
    pthread_join(thread, NULL);
    assert_gp_error(error, GP_RUN_ERROR_QEMU_EXITED, "QEMU closed the QMP connection");
    assert_non_null(strstr(error->message, "SHUTDOWN"));
    assert_true(gp_qmp_seen_event(f.qmp, "SHUTDOWN"));

    /* The connection stays dead, and says so at once. */
    g_clear_error(&error);
    assert_null(gp_qmp_execute(f.qmp, "query-status", NULL, LONG_MS, &error));
    assert_gp_error(error, GP_RUN_ERROR_QEMU_EXITED, "QEMU closed the QMP connection");
    close_fixture(&f);
}

static void test_peer_closed_before_send(void **state)
{
    (void)state;
    fixture f = open_fixture();
    close(f.server);
    f.server = -1;

    /* Sending to a closed socket must be EPIPE, not SIGPIPE killing us. */
    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_execute(f.qmp, "quit", NULL, LONG_MS, &error));
    assert_gp_error(error, GP_RUN_ERROR_QEMU_EXITED, "QEMU closed the QMP connection");
    close_fixture(&f);
}

static void test_events_before_hangup_are_seen(void **state)
{
    (void)state;
    fixture f = open_fixture();
    /* QEMU announced SHUTDOWN and exited before we sent anything: the send
     * fails, but what QEMU said last must still be read. The garbage and
     * the unfinished line must neither stop that nor loop forever. */
    write_str(f.server, "not json\r\n{\"event\": \"SHUTDOWN\"}\r\n{\"event\": \"RES");
    close(f.server);
    f.server = -1;

    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_execute(f.qmp, "query-status", NULL, LONG_MS, &error));
    assert_gp_error(error, GP_RUN_ERROR_QEMU_EXITED, "QEMU closed the QMP connection");
    assert_non_null(strstr(error->message, "SHUTDOWN"));
    assert_true(gp_qmp_seen_event(f.qmp, "SHUTDOWN"));
    close_fixture(&f);
}

static void test_peer_closes_mid_line(void **state)
{
    (void)state;
    fixture f = open_fixture();
    write_str(f.server, "{\"return\": {\"sta");
    shutdown(f.server, SHUT_WR);

    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_execute(f.qmp, "query-status", NULL, LONG_MS, &error));
    assert_gp_error(error, GP_RUN_ERROR_QEMU_EXITED, "QEMU closed the QMP connection");
    close_fixture(&f);
}

/* ---- timeouts ----------------------------------------------------------- */

static void test_timeout_then_late_reply_is_skipped(void **state)
{
    (void)state;
    fixture f = open_fixture();

    gint64 start = g_get_monotonic_time();
    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_execute(f.qmp, "savevm-slow", NULL, 100, &error));
    gint64 elapsed_ms = (g_get_monotonic_time() - start) / 1000;
    assert_gp_error(error, GP_RUN_ERROR_TIMEOUT, "savevm-slow");
    assert_non_null(strstr(error->message, "100 ms"));
    assert_true(elapsed_ms >= 100);
    assert_true(elapsed_ms < LONG_MS);

    /* The late reply arrives, followed by the reply to the next command:
     * the client must hand out the second, not the first. */
    g_autoptr(JsonObject) slow = read_request(f.server);
    g_autofree char *late = g_strdup_printf(
        "{\"return\": \"late\", \"id\": %" G_GINT64_FORMAT "}\r\n", request_id(slow));
    write_str(f.server, late);
    static const char *const chunks[] = { NULL };
    script s = { .fd = f.server, .chunks = chunks, .echo_requests = 1 };
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, run_script, &s), 0);

    g_clear_error(&error);
    JsonNode *reply = gp_qmp_execute(f.qmp, "query-status", NULL, LONG_MS, &error);
    pthread_join(thread, NULL);
    assert_null(error);
    assert_string_equal(json_node_get_string(reply), "ok");
    json_node_unref(reply);
    close_fixture(&f);
}

static void test_events_do_not_extend_timeout(void **state)
{
    (void)state;
    fixture f = open_fixture();
    /* A steady trickle of events must not keep the command waiting past
     * its deadline: ten events 40 ms apart last 400 ms, the timeout is
     * 100 ms, and the margin leaves room for a loaded machine. */
    static const char *const chunks[] = {
        "{\"event\": \"A\"}\n", "{\"event\": \"B\"}\n", "{\"event\": \"C\"}\n",
        "{\"event\": \"D\"}\n", "{\"event\": \"E\"}\n", "{\"event\": \"F\"}\n",
        "{\"event\": \"G\"}\n", "{\"event\": \"H\"}\n", "{\"event\": \"I\"}\n",
        "{\"event\": \"J\"}\n", NULL,
    };
    script s = { .fd = f.server, .chunks = chunks, .pause_ms = 40 };
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, run_script, &s), 0);

    gint64 start = g_get_monotonic_time();
    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_execute(f.qmp, "query-status", NULL, 100, &error));
    gint64 elapsed_ms = (g_get_monotonic_time() - start) / 1000;
    pthread_join(thread, NULL);
    assert_gp_error(error, GP_RUN_ERROR_TIMEOUT, "query-status");
    assert_true(elapsed_ms < 400);
    assert_true(gp_qmp_seen_event(f.qmp, "A"));
    close_fixture(&f);
}

/* ---- garbage from the peer ---------------------------------------------- */

static void test_malformed_lines(void **state)
{
    (void)state;
    static const char *const bad_lines[] = {
        "{\"return\": \r\n",                 /* truncated JSON */
        "this is not json\r\n",
        "[1, 2, 3]\r\n",                     /* not an object */
        "\"just a string\"\r\n",
        "{'return': 1}\r\n",                 /* json-glib would accept quotes */
        "{\"return\": 1} /* comment */\r\n", /* ...and comments */
        "{\"return\": \"\xff\xfe\"}\r\n",    /* not UTF-8 */
        "{\"foo\": 1}\r\n",                  /* neither reply nor event */
    };
    fixture f = open_fixture();
    for (size_t i = 0; i < G_N_ELEMENTS(bad_lines); i++) {
        write_str(f.server, bad_lines[i]);
        g_autoptr(GError) error = NULL;
        assert_null(gp_qmp_execute(f.qmp, "query-status", NULL, LONG_MS, &error));
        assert_gp_error(error, GP_RUN_ERROR_QMP, "QMP fd");
    }

    /* A NUL byte inside a line. */
    static const char with_nul[] = "{\"return\": \"a\0b\"}\r\n";
    write_all(f.server, with_nul, sizeof(with_nul) - 1);
    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_execute(f.qmp, "query-status", NULL, LONG_MS, &error));
    assert_gp_error(error, GP_RUN_ERROR_QMP, "NUL byte");

    /* Garbage only spoils the current command. */
    write_str(f.server, EMPTY_RETURN);
    g_clear_error(&error);
    JsonNode *reply = gp_qmp_execute(f.qmp, "query-status", NULL, LONG_MS, &error);
    assert_null(error);
    json_node_unref(reply);
    close_fixture(&f);
}

static void test_deep_nesting_is_rejected(void **state)
{
    (void)state;
    fixture f = open_fixture();
    /* json-glib recurses per level: this many would overflow the stack. */
    size_t depth = 200000;
    char *line = g_malloc(depth + 3);
    memset(line, '[', depth);
    memcpy(line + depth, "\r\n", 3);
    static const char *chunks[2];
    chunks[0] = line;
    script s = { .fd = f.server, .chunks = chunks };
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, run_script, &s), 0);

    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_execute(f.qmp, "query-status", NULL, LONG_MS, &error));
    pthread_join(thread, NULL);
    assert_gp_error(error, GP_RUN_ERROR_QMP, "deeper than");

    /* Brackets inside strings do not count. */
    GString *ok = g_string_new("{\"return\": \"");
    for (int i = 0; i < 1000; i++) {
        g_string_append(ok, "[{\\\"");
    }
    g_string_append(ok, "\"}\r\n");
    write_str(f.server, ok->str);
    g_clear_error(&error);
    JsonNode *reply = gp_qmp_execute(f.qmp, "query-status", NULL, LONG_MS, &error);
    assert_null(error);
    json_node_unref(reply);

    g_string_free(ok, TRUE);
    g_free(line);
    close_fixture(&f);
}

/* Writes more than the line limit without a newline, until the client hangs
 * up (EPIPE ends the loop). */
static void *write_endless_line(void *arg)
{
    int fd = *(int *)arg;
    static char block[65536];
    memset(block, 'x', sizeof(block));
    for (int i = 0; i < 512; i++) { /* 32 MiB at most */
        if (send(fd, block, sizeof(block), MSG_NOSIGNAL) < 0) {
            break;
        }
    }
    return NULL;
}

static void test_huge_line_is_rejected(void **state)
{
    (void)state;
    fixture f = open_fixture();
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, write_endless_line, &f.server), 0);

    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_execute(f.qmp, "query-status", NULL, LONG_MS, &error));
    assert_gp_error(error, GP_RUN_ERROR_QMP, "longer than 16 MiB");

    /* The stream cannot be resynchronised: later calls fail at once. */
    g_clear_error(&error);
    assert_null(gp_qmp_execute(f.qmp, "query-status", NULL, LONG_MS, &error));
    assert_gp_error(error, GP_RUN_ERROR_QMP, "longer than 16 MiB");

    gp_qmp_free(f.qmp); /* the writer gets EPIPE and stops */
    f.qmp = NULL;
    pthread_join(thread, NULL);
    close_fixture(&f);
}

/* ---- gp_qmp_connect ----------------------------------------------------- */

typedef struct {
    char *path;
    int delay_ms;
} late_server;

/* Creates the socket only after a delay, as a starting QEMU does, then plays
 * QMP: greeting, capabilities, one echoed command. */
static void *run_late_server(void *arg)
{
    late_server *server = arg;
    g_usleep((gulong)server->delay_ms * 1000);

    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    require(listener >= 0);
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    g_strlcpy(address.sun_path, server->path, sizeof(address.sun_path));
    require(bind(listener, (struct sockaddr *)&address, sizeof(address)) == 0);
    require(listen(listener, 1) == 0);
    int fd = accept(listener, NULL, NULL);
    require(fd >= 0);
    close(listener);

    write_str(fd, GREETING);
    script s = { .fd = fd, .echo_requests = 2, .close_after = true };
    run_script(&s);
    return NULL;
}

static void test_connect_waits_for_socket(void **state)
{
    (void)state;
    g_autofree char *dir = g_dir_make_tmp("test_qmp.XXXXXX", NULL);
    assert_non_null(dir);
    late_server server = { .path = g_build_filename(dir, "qmp.sock", NULL), .delay_ms = 150 };
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, run_late_server, &server), 0);

    g_autoptr(GError) error = NULL;
    gp_qmp *qmp = gp_qmp_connect(server.path, LONG_MS, &error);
    assert_null(error);
    assert_non_null(qmp);
    JsonNode *reply = gp_qmp_execute(qmp, "query-status", NULL, LONG_MS, &error);
    assert_null(error);
    assert_string_equal(json_node_get_string(reply), "ok");
    json_node_unref(reply);
    pthread_join(thread, NULL);
    gp_qmp_free(qmp);

    unlink(server.path);
    rmdir(dir);
    g_free(server.path);
}

static void test_connect_timeout(void **state)
{
    (void)state;
    g_autofree char *dir = g_dir_make_tmp("test_qmp.XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "never.sock", NULL);

    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_connect(path, 100, &error));
    assert_gp_error(error, GP_RUN_ERROR_TIMEOUT, path);
    assert_non_null(strstr(error->message, "100 ms"));
    rmdir(dir);
}

static void test_connect_path_too_long(void **state)
{
    (void)state;
    char path[200];
    memset(path, 'p', sizeof(path) - 1);
    path[0] = '/';
    path[sizeof(path) - 1] = '\0';

    g_autoptr(GError) error = NULL;
    assert_null(gp_qmp_connect(path, 100, &error));
    assert_gp_error(error, GP_RUN_ERROR_IO, "shorter directory");
}

static void test_free_null(void **state)
{
    (void)state;
    gp_qmp_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake),
        cmocka_unit_test(test_handshake_rejects_non_qmp_peer),
        cmocka_unit_test(test_handshake_timeout),
        cmocka_unit_test(test_handshake_capabilities_refused),
        cmocka_unit_test(test_new_from_bad_fd),
        cmocka_unit_test(test_execute_returns_object),
        cmocka_unit_test(test_execute_without_arguments),
        cmocka_unit_test(test_request_ids_increase),
        cmocka_unit_test(test_events_before_reply_are_skipped),
        cmocka_unit_test(test_many_distinct_events),
        cmocka_unit_test(test_error_reply),
        cmocka_unit_test(test_error_reply_garbled),
        cmocka_unit_test(test_stale_reply_is_skipped),
        cmocka_unit_test(test_blank_lines_are_ignored),
        cmocka_unit_test(test_reply_split_across_writes),
        cmocka_unit_test(test_hmp_empty_output_is_success),
        cmocka_unit_test(test_hmp_output_is_returned),
        cmocka_unit_test(test_hmp_error_output_fails),
        cmocka_unit_test(test_hmp_error_after_warning_fails),
        cmocka_unit_test(test_hmp_command_line_errors_fail),
        cmocka_unit_test(test_hmp_non_string_reply),
        cmocka_unit_test(test_hmp_qmp_error_names_command_line),
        cmocka_unit_test(test_peer_closes_while_waiting),
        cmocka_unit_test(test_peer_closed_before_send),
        cmocka_unit_test(test_events_before_hangup_are_seen),
        cmocka_unit_test(test_peer_closes_mid_line),
        cmocka_unit_test(test_timeout_then_late_reply_is_skipped),
        cmocka_unit_test(test_events_do_not_extend_timeout),
        cmocka_unit_test(test_malformed_lines),
        cmocka_unit_test(test_deep_nesting_is_rejected),
        cmocka_unit_test(test_huge_line_is_rejected),
        cmocka_unit_test(test_connect_waits_for_socket),
        cmocka_unit_test(test_connect_timeout),
        cmocka_unit_test(test_connect_path_too_long),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
