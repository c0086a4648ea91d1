/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest_plugins.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/arch.h"
#include "callback_context.h"
#include "daemon_protocol.h"
#include "export.h"
#include "guest_clock.h"
#include "guest_log.h"
#include "inject.h"
#include "log.h"
#include "runner_link.h"
#include "token.h"

_Static_assert(GP_DAEMON_TOKEN_LENGTH == GP_TOKEN_LENGTH, "LOAD frames carry whole tokens");

#define MAX_GUEST_PLUGIN_BYTES (256u << 20)
/* While plugins are on their way or running, a daemon silent this long
 * (wall clock) is pinged, so that its death does not go unnoticed. */
#define KEEPALIVE_US (1 * G_USEC_PER_SEC)
/* A daemon that dies twice while a plugin is sent to it: the plugin fails. */
#define MAX_DAEMONS_LOST_PER_PLUGIN 2
/* An injected daemon must call in within this many ping timeouts of guest
 * run time; after so many silent injections in a row the plugins fail. */
#define HELLO_TIMEOUTS 5u
#define MAX_SILENT_INJECTIONS 3u

typedef enum plugin_state {
    PLUGIN_PENDING, /* waiting for a daemon that answers (injection, PONG) */
    PLUGIN_SENT,    /* LOAD and its DATA are queued for the daemon */
    PLUGIN_RUNNING,
    PLUGIN_DONE,    /* exited, failed, or lost to a revert or a dead daemon */
} plugin_state;

typedef struct guest_plugin {
    char *name;
    char *path;
    gp_channel_id channel;
    char token[GP_TOKEN_LENGTH + 1]; /* its main channel's, fresh for every load */
    uint32_t request;
    plugin_state state;
    unsigned daemons_lost; /* daemons that died while it was SENT to them */
    gp_guest_plugin_event_fn event;
    void *event_opaque;
} guest_plugin;

static struct {
    GMutex lock;
    GPtrArray *plugins;
    gp_channel_table *table;
    char *arch_dir;
    bool can_inject;
    bool daemon_up;
    uint32_t next_request;
    /* Channel 0's token, fresh for every injection: only the daemon injected
     * last can claim channel 0, never one that was taken for gone. */
    char daemon_token[GP_TOKEN_LENGTH + 1];

    /* Liveness: is the daemon that said HELLO still there? */
    unsigned ping_timeout_ms;  /* of guest run time (guest_clock.h) */
    uint32_t daemon_pid;       /* from its HELLO */
    uint32_t ping;             /* the PING awaiting its PONG, or 0 */
    uint64_t silent_since_ms;  /* guest run time of the last sign of life */
    size_t daemon_queue_bytes; /* on channel 0 at the last look: less = it reads */
    gint64 last_heard;         /* wall clock of the daemon's last frame */
    bool injecting;            /* the injector was asked for a daemon, not done yet */
    bool awaiting_hello;       /* injected, and not heard from yet */
    unsigned silent_injections; /* in a row, whose daemon never called in */
} gpm;

/* guest_daemon reports the guest's errno numbers; host plugins get the
 * host's (they differ on MIPS above 34). */
static int host_errno(int guest_errno)
{
    const gp_arch *arch = gp_arch_for_target(gpm.arch_dir);
    const gp_syscall_abi *abi = arch ? arch->syscall : NULL;
    if (!abi || !abi->errno_to_host) {
        return guest_errno;
    }
    int host = abi->errno_to_host(guest_errno);
    return host ? host : guest_errno;
}

typedef struct pending_event {
    gp_guest_plugin_event_fn fn;
    void *opaque;
    char *name;
    gp_guest_plugin_event event;
    int value;
    char *detail;
} pending_event;

/* Events are collected under the lock and delivered after it is dropped,
 * so handlers may call any host API function. The runner hears of every
 * event, whether or not a host plugin handles it. */
static void queue_event(GArray *events, guest_plugin *plugin, gp_guest_plugin_event event,
                        int value, const char *detail)
{
    pending_event e = { plugin->event, plugin->event_opaque, g_strdup(plugin->name), event,
                        value, g_strdup(detail ? detail : "") };
    g_array_append_val(events, e);
}

static const char *const event_names[] = {
    [GP_GUEST_PLUGIN_STARTED] = "started",
    [GP_GUEST_PLUGIN_FAILED] = "failed",
    [GP_GUEST_PLUGIN_EXITED] = "exited",
    [GP_GUEST_PLUGIN_LOST] = "lost",
    [GP_GUEST_PLUGIN_DAEMON_GONE] = "daemon_gone",
};

static void deliver_events(GArray *events)
{
    for (guint i = 0; i < events->len; i++) {
        pending_event *e = &g_array_index(events, pending_event, i);
        /* The host plugin first: what it does about the event (ending the
         * analysis with its own status, loading another plugin) must reach
         * the runner before the event that could end the run. */
        if (e->fn) {
            e->fn(e->name, e->event, e->value, e->detail, e->opaque);
        }
        gp_runner_link_guest_plugin(e->name, event_names[e->event], e->value, e->detail);
        g_free(e->name);
        g_free(e->detail);
    }
    g_array_unref(events);
}

static guest_plugin *find_by_name(const char *name)
{
    for (guint i = 0; gpm.plugins && i < gpm.plugins->len; i++) {
        guest_plugin *plugin = g_ptr_array_index(gpm.plugins, i);
        if (strcmp(plugin->name, name) == 0) {
            return plugin;
        }
    }
    return NULL;
}

static guest_plugin *find_by_request(uint32_t request)
{
    for (guint i = 0; gpm.plugins && i < gpm.plugins->len; i++) {
        guest_plugin *plugin = g_ptr_array_index(gpm.plugins, i);
        if (plugin->request == request) {
            return plugin;
        }
    }
    return NULL;
}

static void fail_plugin(guest_plugin *plugin, int error, const char *detail, GArray *events)
{
    plugin->state = PLUGIN_DONE;
    gp_log("guest plugin \"%s\" failed to start: %s", plugin->name, detail);
    queue_event(events, plugin, GP_GUEST_PLUGIN_FAILED, error, detail);
}

/* Reads LENGTH bytes at OFFSET of FD into TO: true if all were there. */
static bool read_elf_part(int fd, gsize offset, uint8_t *to, size_t length)
{
    for (size_t done = 0; done < length;) {
        ssize_t got = pread(fd, to + done, length - done, (off_t)(offset + done));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            return false;
        }
        done += (size_t)got;
    }
    return true;
}

/*
 * Queues LOAD and the ELF in DATA frames on channel 0. Lock held. Each
 * frame's ELF bytes are read from the file straight behind its header, so
 * the ELF is copied once here and once into the queue.
 */
static void send_load(guest_plugin *plugin, GArray *events)
{
    int fd = open(plugin->path, O_RDONLY | O_CLOEXEC);
    struct stat info;
    if (fd < 0 || fstat(fd, &info) < 0) {
        g_autofree char *why = g_strdup_printf("cannot read %s: %s", plugin->path,
                                               g_strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        fail_plugin(plugin, 0, why, events);
        return;
    }
    gsize size = info.st_size > 0 ? (gsize)info.st_size : 0;
    if (size == 0 || size > MAX_GUEST_PLUGIN_BYTES) {
        g_autofree char *why = g_strdup_printf("%s is %s (limit %u MiB)", plugin->path,
                                               size ? "too large" : "empty",
                                               MAX_GUEST_PLUGIN_BYTES >> 20);
        close(fd);
        fail_plugin(plugin, 0, why, events);
        return;
    }
    plugin->request = ++gpm.next_request;
    uint8_t load_frame[GP_DAEMON_LOAD_FRAME_MAX];
    size_t load_length = gp_daemon_put_load(load_frame, plugin->request, size, plugin->name,
                                            plugin->token);
    int result = gp_channel_table_push(gpm.table, GP_DAEMON_CHANNEL, load_frame, load_length);
    bool read_ok = true;
    uint8_t *frame = g_malloc(GP_DAEMON_HEADER_SIZE + MIN(size, GP_DAEMON_MAX_DATA));
    for (gsize offset = 0; result == 0 && read_ok && offset < size;
         offset += GP_DAEMON_MAX_DATA) {
        size_t chunk = MIN(size - offset, GP_DAEMON_MAX_DATA);
        gp_daemon_put_header(frame, GP_DAEMON_DATA, (uint32_t)chunk, plugin->request);
        read_ok = read_elf_part(fd, offset, frame + GP_DAEMON_HEADER_SIZE, chunk);
        if (read_ok) {
            result = gp_channel_table_push(gpm.table, GP_DAEMON_CHANNEL, frame,
                                           GP_DAEMON_HEADER_SIZE + chunk);
        }
    }
    g_free(frame);
    close(fd);
    if (!read_ok) {
        /* What was queued of it never completes: the daemon drops it at the
         * next LOAD, as after a full queue. */
        g_autofree char *why = g_strdup_printf("%s could not be read whole (was it changed "
                                               "while being sent?)", plugin->path);
        fail_plugin(plugin, 0, why, events);
        return;
    }
    if (result < 0) {
        fail_plugin(plugin, -result, "channel 0's queue is full (raise queue_limit=)", events);
        return;
    }
    plugin->state = PLUGIN_SENT;
}

static void send_all_pending(GArray *events)
{
    for (guint i = 0; i < gpm.plugins->len; i++) {
        guest_plugin *plugin = g_ptr_array_index(gpm.plugins, i);
        if (plugin->state == PLUGIN_PENDING) {
            send_load(plugin, events);
        }
    }
}

/* Channel 0 claimable by no one (the daemon that had it is gone, or the
 * guest was reverted): a daemon still running there reads and writes
 * nothing more. Lock held. */
static void revoke_daemon_channel(void)
{
    gp_channel_table_set_token(gpm.table, GP_DAEMON_CHANNEL, NULL);
    gpm.daemon_token[0] = '\0';
}

/* A fresh token for channel 0, for the daemon about to be injected. Lock held. */
static bool new_daemon_token(void)
{
    gp_token token;
    revoke_daemon_channel();
    if (!gp_token_generate(&token) ||
        gp_channel_table_set_token(gpm.table, GP_DAEMON_CHANNEL, &token) < 0) {
        gp_log("cannot make a token for guest_daemon's channel (getrandom failed); "
               "guest_daemon is not injected");
        return false;
    }
    gp_token_format(&token, gpm.daemon_token);
    return true;
}

/*
 * Whether to ask the injector for a daemon now: not while one is being
 * injected or has been and may still call in, since two daemons reading
 * channel 0 would split each other's frames. Lock held; the caller calls
 * request_injection() once the lock is dropped.
 */
static bool want_daemon(void)
{
    if (gpm.daemon_up || gpm.injecting || gpm.awaiting_hello || !new_daemon_token()) {
        return false;
    }
    gpm.injecting = true;
    return true;
}

/* Asks the injector for the daemon want_daemon() prepared. Lock not held. */
static void request_injection(void)
{
    char token[GP_TOKEN_LENGTH + 1];
    g_mutex_lock(&gpm.lock);
    g_strlcpy(token, gpm.daemon_token, sizeof token);
    g_mutex_unlock(&gpm.lock);
    gp_inject_request(token);
}

/* The guest clock runs only while an answer is awaited. Lock held. */
static void update_clock(void)
{
    gp_guest_clock_measure(gpm.ping != 0 || gpm.awaiting_hello);
}

/* A frame from the daemon, or its reading of channel 0: it lives. */
static void heard_from_daemon(void)
{
    gpm.last_heard = g_get_monotonic_time();
    gpm.silent_since_ms = gp_guest_clock_ms();
}

/*
 * Asks the daemon whether it is still there. Nothing blocks: LOADs wait
 * (PENDING) for its PONG, and the clock's tick gives up on it after
 * ping_timeout_ms of guest run time. Lock held.
 */
static void send_ping(void)
{
    uint8_t frame[GP_DAEMON_HEADER_SIZE];
    if (++gpm.next_request == 0) {
        ++gpm.next_request; /* 0 answers nothing */
    }
    gpm.ping = gpm.next_request;
    size_t length = gp_daemon_put_ping(frame, gpm.ping);
    /* A full channel 0 is itself a daemon that does not read: the timeout
     * decides either way. */
    (void)gp_channel_table_push(gpm.table, GP_DAEMON_CHANNEL, frame, length);
    gpm.daemon_queue_bytes = gp_channel_table_queued(gpm.table, GP_DAEMON_CHANNEL);
    gpm.silent_since_ms = gp_guest_clock_ms();
    update_clock();
}

static bool drop_frame(void *context, const uint8_t *bytes, size_t length)
{
    (void)context, (void)bytes, (void)length;
    return true;
}

/* Frames queued for a daemon that is gone: the next one must not run its
 * plugins' LOADs too, since they are sent again. Lock held. */
static void drop_daemon_queue(void)
{
    while (gp_channel_table_pop(gpm.table, GP_CALLER_HOST, GP_DAEMON_CHANNEL, SIZE_MAX,
                                drop_frame, NULL) > 0) {
    }
}

/*
 * The daemon is gone (WHY). Plugins it ran are LOST (it would have
 * reported their exit); those on their way to it go to the next daemon,
 * unless daemons keep dying under them. Lock held; true if a new daemon
 * is needed now.
 */
static bool daemon_gone(const char *why, GArray *events)
{
    bool pending = false;
    g_autofree char *lost = g_strdup_printf(
        "guest_daemon (pid %u) is gone (%s): the plugin may still run, but its exit will "
        "not be reported", gpm.daemon_pid, why);
    g_autofree char *again = g_strdup_printf(
        "guest_daemon (pid %u) is gone (%s): sending the plugin to a new one",
        gpm.daemon_pid, why);

    gpm.daemon_up = false;
    gpm.ping = 0;
    gpm.awaiting_hello = false;
    drop_daemon_queue();
    revoke_daemon_channel(); /* were it only stopped, it must not come back */
    for (guint i = 0; i < gpm.plugins->len; i++) {
        guest_plugin *plugin = g_ptr_array_index(gpm.plugins, i);
        if (plugin->state == PLUGIN_RUNNING) {
            plugin->state = PLUGIN_DONE;
            queue_event(events, plugin, GP_GUEST_PLUGIN_LOST, 0, lost);
        } else if (plugin->state == PLUGIN_SENT &&
                   ++plugin->daemons_lost >= MAX_DAEMONS_LOST_PER_PLUGIN) {
            g_autofree char *detail = g_strdup_printf(
                "%u guest_daemons died while it was being started (the last: %s)",
                plugin->daemons_lost, why);
            fail_plugin(plugin, 0, detail, events);
        } else if (plugin->state == PLUGIN_SENT || plugin->state == PLUGIN_PENDING) {
            plugin->state = PLUGIN_PENDING;
            queue_event(events, plugin, GP_GUEST_PLUGIN_DAEMON_GONE, (int)gpm.daemon_pid, again);
            pending = true;
        }
    }
    gp_log("guest_daemon (pid %u) is gone: %s; %s", gpm.daemon_pid, why,
           pending ? "injecting a new one" : "a new one is injected at the next load");
    update_clock();
    return pending && want_daemon();
}

/* An injected daemon never called in. Lock held; true to inject again. */
static bool daemon_never_called_in(GArray *events)
{
    unsigned waited_ms = HELLO_TIMEOUTS * gpm.ping_timeout_ms;
    gpm.awaiting_hello = false;
    update_clock();
    if (++gpm.silent_injections < MAX_SILENT_INJECTIONS) {
        gp_log("guest_daemon was injected but did not call in within %u ms of guest run "
               "time; injecting it again", waited_ms);
        return want_daemon();
    }
    g_autofree char *why = g_strdup_printf(
        "guest_daemon was injected %u times but never called in (within %u ms each)",
        gpm.silent_injections, waited_ms);
    gpm.silent_injections = 0;
    for (guint i = 0; i < gpm.plugins->len; i++) {
        guest_plugin *plugin = g_ptr_array_index(gpm.plugins, i);
        if (plugin->state == PLUGIN_PENDING) {
            fail_plugin(plugin, 0, why, events);
        }
    }
    return false;
}

static bool any_plugin_in(plugin_state a, plugin_state b)
{
    for (guint i = 0; i < gpm.plugins->len; i++) {
        plugin_state state = ((guest_plugin *)g_ptr_array_index(gpm.plugins, i))->state;
        if (state == a || state == b) {
            return true;
        }
    }
    return false;
}

/*
 * Every GP_GUEST_CLOCK_TICK_MS, on the clock's thread: gives up on a
 * daemon that has not answered in time (so no vCPU ever waits for the
 * guest), and pings one that has been quiet while plugins depend on it.
 */
static void on_clock_tick(void)
{
    GArray *events = g_array_new(FALSE, FALSE, sizeof(pending_event));
    bool inject = false;
    g_mutex_lock(&gpm.lock);
    uint64_t now_ms = gp_guest_clock_ms();
    if (gpm.ping) {
        size_t queued = gp_channel_table_queued(gpm.table, GP_DAEMON_CHANNEL);
        if (queued < gpm.daemon_queue_bytes) {
            heard_from_daemon(); /* still reading a long stream of DATA */
        }
        gpm.daemon_queue_bytes = queued;
        if (now_ms - gpm.silent_since_ms >= gpm.ping_timeout_ms) {
            g_autofree char *why = g_strdup_printf(
                "no answer to a ping within %u ms of guest run time: killed, crashed or "
                "exited", gpm.ping_timeout_ms);
            inject = daemon_gone(why, events);
        }
    } else if (gpm.awaiting_hello) {
        if (now_ms - gpm.silent_since_ms >= HELLO_TIMEOUTS * gpm.ping_timeout_ms) {
            inject = daemon_never_called_in(events);
        }
    } else if (gpm.daemon_up && any_plugin_in(PLUGIN_SENT, PLUGIN_RUNNING) &&
               g_get_monotonic_time() - gpm.last_heard >= KEEPALIVE_US) {
        send_ping();
    }
    g_mutex_unlock(&gpm.lock);
    deliver_events(events);
    if (inject) {
        request_injection();
    }
}

static void on_daemon_frame(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)ch, (void)opaque;
    gp_daemon_report report;
    GArray *events = g_array_new(FALSE, FALSE, sizeof(pending_event));

    if (!gp_daemon_parse_report(data, len, &report)) {
        /* Only the daemon can write here, but it may be buggy or subverted. */
        gp_guest_log(GP_GUEST_LOG_DAEMON, gp_callback_context_current().address_space,
                     "ignored a malformed guest_daemon frame of %zu bytes", len);
        deliver_events(events);
        return;
    }
    g_mutex_lock(&gpm.lock);
    guest_plugin *plugin = report.type == GP_DAEMON_EXITED ? find_by_name(report.name)
                                                           : find_by_request(report.request);
    heard_from_daemon();
    switch (report.type) {
    case GP_DAEMON_HELLO:
        gpm.daemon_up = true;
        gpm.daemon_pid = report.value;
        gpm.ping = 0;
        gpm.awaiting_hello = false;
        gpm.silent_injections = 0;
        update_clock();
        gp_log("guest_daemon is up (pid %u)", report.value);
        send_all_pending(events);
        break;
    case GP_DAEMON_PONG:
        if (gpm.ping && report.request == gpm.ping) {
            gpm.ping = 0;
            update_clock();
            send_all_pending(events);
        }
        break;
    case GP_DAEMON_STARTED:
        if (plugin && plugin->state == PLUGIN_SENT) {
            plugin->state = PLUGIN_RUNNING;
            queue_event(events, plugin, GP_GUEST_PLUGIN_STARTED, (int)report.value, "");
        }
        break;
    case GP_DAEMON_FAILED:
        if (plugin && plugin->state == PLUGIN_SENT) {
            int error = host_errno((int)report.value);
            g_autofree char *why = g_strdup_printf("guest_daemon could not run it: %s",
                                                   g_strerror(error));
            fail_plugin(plugin, error, why, events);
            gp_channel_table_clear_owners(gpm.table, plugin->channel);
        }
        break;
    case GP_DAEMON_EXITED:
        if (plugin && plugin->state == PLUGIN_RUNNING) {
            /* Its page directory may go to any new process now: its
             * children, if any still run, claim again with the token. */
            gp_channel_table_clear_owners(gpm.table, plugin->channel);
            plugin->state = PLUGIN_DONE;
            queue_event(events, plugin, GP_GUEST_PLUGIN_EXITED, (int)report.value, "");
        }
        break;
    default:
        break;
    }
    g_mutex_unlock(&gpm.lock);
    deliver_events(events);
}

char *gp_guest_plugin_find(const char *name, const char *arch_dir, const char *build_dir,
                           const char *prefix_dir, GString *searched)
{
    const char *roots[] = { build_dir, prefix_dir };
    for (size_t i = 0; i < G_N_ELEMENTS(roots); i++) {
        char *path = g_build_filename(roots[i], "guest", arch_dir, name, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
            return path;
        }
        g_string_append_printf(searched, "\n  %s", path);
        g_free(path);
    }
    return NULL;
}

static bool valid_name(const char *name)
{
    size_t length = name ? strlen(name) : 0;
    if (length == 0 || length > GP_DAEMON_MAX_NAME) {
        return false;
    }
    for (const char *c = name; *c; c++) {
        if (!g_ascii_isalnum(*c) && !strchr("_-.", *c)) {
            return false;
        }
    }
    return true;
}

/* A load that cannot even begin still counts as a failed guest plugin for
 * the runner: the user asked for it and it will not run. */
static gp_channel_id refuse(const char *name, const char *why)
{
    gp_runner_link_guest_plugin(valid_name(name) ? name : "(invalid-name)", "failed", 0, why);
    return GP_CHANNEL_INVALID;
}

/* PLUGIN, whose channel TOKEN now claims, is to run (again): the runner
 * hears it was requested. Lock held. */
static void begin_run(guest_plugin *plugin, const gp_token *token)
{
    gp_token_format(token, plugin->token);
    gp_runner_link_guest_plugin(plugin->name, "requested", 0, "");
    plugin->state = PLUGIN_PENDING;
    plugin->daemons_lost = 0;
}

/* Plugins are PENDING: ask the daemon whether it is still there (the
 * LOADs follow its PONG), or have one injected. Lock held; true if the
 * caller must call request_injection() once the lock is dropped. */
static bool reach_daemon(void)
{
    if (gpm.daemon_up) {
        if (!gpm.ping) {
            send_ping();
        }
        return false;
    }
    return want_daemon();
}

static gp_channel_id load(const char *name, const char *explicit_path, gp_channel_recv_fn cb,
                          void *opaque)
{
    if (!gpm.table) {
        gp_log("gp_load_guest_plugin called before the core started");
        return GP_CHANNEL_INVALID;
    }
    if (!valid_name(name)) {
        gp_log("\"%s\" is not a guest plugin name (1 to %u letters, digits, '_', '-', '.')",
               name ? name : "(null)", GP_DAEMON_MAX_NAME);
        return refuse(name, "not a valid guest plugin name");
    }
    g_autofree char *path = NULL;
    if (explicit_path) {
        if (!g_file_test(explicit_path, G_FILE_TEST_IS_REGULAR)) {
            gp_log("guest plugin \"%s\": no file at %s", name, explicit_path);
            return refuse(name, "its file does not exist");
        }
        path = g_strdup(explicit_path);
    } else {
        g_autoptr(GString) searched = g_string_new(NULL);
        path = gp_guest_plugin_find(name, gpm.arch_dir, GP_BUILD_DIR,
                                    GP_PREFIX "/lib/guestplug", searched);
        if (!path) {
            /* PANDA's words, so its troubleshooting guide applies. */
            fprintf(stderr, "No guest plugin path was provided but plugin \"%s\" could not be "
                    "found, ensure \"%s\" has been built.\nSearched:%s\n", name, name,
                    searched->str);
            return refuse(name, "it has not been built (see the paths searched above)");
        }
    }

    GArray *events = g_array_new(FALSE, FALSE, sizeof(pending_event));
    gp_channel_id channel = GP_CHANNEL_INVALID;
    bool need_daemon = false;
    const char *refused = NULL; /* why, for the runner, when this request is refused */
    gp_token token;
    if (!gp_token_generate(&token)) {
        gp_log("guest plugin \"%s\": cannot make a token for its channel (getrandom failed)",
               name);
        deliver_events(events);
        return refuse(name, "getrandom failed");
    }
    g_mutex_lock(&gpm.lock);
    guest_plugin *plugin = find_by_name(name);
    if (plugin && plugin->state != PLUGIN_DONE) {
        gp_log("guest plugin \"%s\" is already loaded; a second one of the same name is "
               "refused", name);
    } else if (!gpm.can_inject) {
        gp_log("guest plugin \"%s\": this QEMU target has no guest_daemon or injector yet",
               name);
        refused = "this guest architecture has no injector yet";
    } else {
        int added = 0;
        if (plugin) {
            /* Loaded before, now gone: reuse its channel for the new run. */
            gp_channel_table_set_recv(gpm.table, plugin->channel, cb, opaque);
            g_free(plugin->path);
        } else if ((added = gp_channel_table_add(gpm.table, name, cb, opaque, &channel)) == 0) {
            plugin = g_new0(guest_plugin, 1);
            plugin->name = g_strdup(name);
            plugin->channel = channel;
            g_ptr_array_add(gpm.plugins, plugin);
        } else if (added == -EEXIST) {
            gp_log("guest plugin \"%s\": a channel of that name already exists", name);
            refused = "a channel of that name already exists";
        } else {
            gp_log("guest plugin \"%s\": cannot create its channel: the channel table is "
                   "full (max_channels=%zu)", name,
                   gp_channel_table_limits(gpm.table)->max_channels);
            refused = "the channel table is full";
        }
        /* A new token for every run: the last run's processes lose the
         * channel, and only this one's can claim it. */
        if (plugin && gp_channel_table_set_token(gpm.table, plugin->channel, &token) < 0) {
            gp_log("guest plugin \"%s\": its token is another channel's", name);
            plugin->state = PLUGIN_DONE;
            plugin = NULL;
            refused = "its token is another channel's";
        }
        if (plugin) {
            plugin->path = g_steal_pointer(&path);
            channel = plugin->channel;
            begin_run(plugin, &token);
            need_daemon = reach_daemon();
        }
    }
    g_mutex_unlock(&gpm.lock);
    if (refused) {
        refuse(name, refused);
        channel = GP_CHANNEL_INVALID;
    }
    if (need_daemon) {
        request_injection();
    }
    deliver_events(events);
    return channel;
}

GP_EXPORT gp_channel_id gp_load_guest_plugin(const char *name, gp_channel_recv_fn cb,
                                             void *opaque)
{
    return load(name, NULL, cb, opaque);
}

GP_EXPORT gp_channel_id gp_load_guest_plugin_path(const char *name, const char *path,
                                                  gp_channel_recv_fn cb, void *opaque)
{
    if (!path) {
        gp_log("gp_load_guest_plugin_path: no path given for \"%s\"", name ? name : "(null)");
        return GP_CHANNEL_INVALID;
    }
    return load(name, path, cb, opaque);
}

GP_EXPORT int gp_guest_plugin_set_event_handler(const char *name, gp_guest_plugin_event_fn fn,
                                                void *opaque)
{
    g_mutex_lock(&gpm.lock);
    guest_plugin *plugin = name ? find_by_name(name) : NULL;
    if (plugin) {
        plugin->event = fn;
        plugin->event_opaque = opaque;
    }
    g_mutex_unlock(&gpm.lock);
    return plugin ? 0 : -ENOENT;
}

void gp_guest_plugins_injected(bool ok, const char *reason)
{
    GArray *events = g_array_new(FALSE, FALSE, sizeof(pending_event));
    g_mutex_lock(&gpm.lock);
    gpm.injecting = false;
    if (ok) {
        gp_log("guest_daemon injected; waiting for it to call in");
        if (!gpm.daemon_up) { /* its HELLO may have come first */
            gpm.awaiting_hello = true;
            gpm.silent_since_ms = gp_guest_clock_ms();
            update_clock();
        }
    } else {
        gp_log("could not start guest_daemon: %s", reason);
        for (guint i = 0; i < gpm.plugins->len; i++) {
            guest_plugin *plugin = g_ptr_array_index(gpm.plugins, i);
            if (plugin->state == PLUGIN_PENDING) {
                fail_plugin(plugin, 0, reason, events);
            }
        }
    }
    g_mutex_unlock(&gpm.lock);
    deliver_events(events);
}

unsigned gp_guest_plugins_reload(void)
{
    unsigned reloaded = 0;
    bool inject = false;
    GArray *events = g_array_new(FALSE, FALSE, sizeof(pending_event));
    g_mutex_lock(&gpm.lock);
    for (guint i = 0; gpm.plugins && i < gpm.plugins->len; i++) {
        guest_plugin *plugin = g_ptr_array_index(gpm.plugins, i);
        gp_token token;
        if (plugin->state == PLUGIN_PENDING || plugin->state == PLUGIN_SENT) {
            continue; /* on its way already */
        }
        if (!gp_token_generate(&token) ||
            gp_channel_table_set_token(gpm.table, plugin->channel, &token) < 0) {
            gp_log("guest plugin \"%s\" is not loaded again: cannot make a token for its "
                   "channel (getrandom failed)", plugin->name);
            continue;
        }
        if (plugin->state == PLUGIN_RUNNING) {
            /* Its guest is gone, whether or not the code flush of the
             * revert has been seen yet. */
            queue_event(events, plugin, GP_GUEST_PLUGIN_LOST, 0,
                        "the guest was reverted to a snapshot while it ran");
        }
        begin_run(plugin, &token);
        reloaded++;
    }
    if (reloaded) {
        inject = reach_daemon();
    }
    g_mutex_unlock(&gpm.lock);
    deliver_events(events);
    if (inject) {
        request_injection();
    }
    return reloaded;
}

void gp_guest_plugins_reset(void)
{
    bool pending = false;
    GArray *events = g_array_new(FALSE, FALSE, sizeof(pending_event));
    g_mutex_lock(&gpm.lock);
    gpm.daemon_up = false;
    gpm.ping = 0;
    gpm.awaiting_hello = false;
    gpm.injecting = false; /* the injector dropped what it was doing (gp_inject_reset) */
    update_clock();
    for (guint i = 0; gpm.plugins && i < gpm.plugins->len; i++) {
        guest_plugin *plugin = g_ptr_array_index(gpm.plugins, i);
        if (plugin->state == PLUGIN_SENT) {
            plugin->state = PLUGIN_PENDING; /* the daemon it was sent to is gone */
        } else if (plugin->state == PLUGIN_RUNNING) {
            plugin->state = PLUGIN_DONE;
            queue_event(events, plugin, GP_GUEST_PLUGIN_LOST, 0,
                        "the guest was reverted to a snapshot while it ran");
        }
        pending |= plugin->state == PLUGIN_PENDING;
    }
    /* The guest forgot what it had not read, every process's identity, and
     * the channels it made; the snapshot's daemon (if any) is no longer ours. */
    size_t reclaimed = gp_channel_table_revert(gpm.table);
    revoke_daemon_channel();
    if (reclaimed) {
        gp_log("snapshot revert: reclaimed %zu channels the guest had made", reclaimed);
    }
    bool inject = pending && want_daemon();
    g_mutex_unlock(&gpm.lock);
    deliver_events(events);
    if (inject) {
        request_injection();
    }
}

void gp_guest_plugins_init(gp_channel_table *table, const char *arch_dir, bool can_inject,
                           unsigned ping_timeout_ms)
{
    gpm.table = table;
    gpm.arch_dir = g_strdup(arch_dir);
    gpm.can_inject = can_inject;
    gpm.ping_timeout_ms = ping_timeout_ms;
    gpm.plugins = g_ptr_array_new();
    gp_channel_table_add_fixed(table, GP_DAEMON_CHANNEL, "guest_daemon", on_daemon_frame, NULL);
    gp_channel_table_keep_private(table, GP_DAEMON_CHANNEL); /* even under channels=open */
    if (can_inject) {
        gp_guest_clock_init(on_clock_tick);
    }
}
