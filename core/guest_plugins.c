/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest_plugins.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "daemon_protocol.h"
#include "export.h"
#include "inject.h"
#include "log.h"

#define MAX_GUEST_PLUGIN_BYTES (256u << 20)
#define DATA_PER_FRAME (GP_DAEMON_MAX_FRAME - GP_DAEMON_HEADER_SIZE)

typedef enum plugin_state {
    PLUGIN_PENDING, /* waiting for the daemon */
    PLUGIN_SENT,    /* LOAD and its DATA are queued for the daemon */
    PLUGIN_RUNNING,
    PLUGIN_DONE,    /* exited, failed, or lost to a snapshot revert */
} plugin_state;

typedef struct guest_plugin {
    char *name;
    char *path;
    gp_channel_id channel;
    uint32_t request;
    plugin_state state;
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
} gpm;

typedef struct pending_event {
    gp_guest_plugin_event_fn fn;
    void *opaque;
    char *name;
    gp_guest_plugin_event event;
    int value;
    char *detail;
} pending_event;

/* Events are collected under the lock and delivered after it is dropped,
 * so handlers may call any host API function. */
static void queue_event(GArray *events, guest_plugin *plugin, gp_guest_plugin_event event,
                        int value, const char *detail)
{
    if (plugin->event) {
        pending_event e = { plugin->event, plugin->event_opaque, g_strdup(plugin->name), event,
                            value, g_strdup(detail ? detail : "") };
        g_array_append_val(events, e);
    }
}

static void deliver_events(GArray *events)
{
    for (guint i = 0; i < events->len; i++) {
        pending_event *e = &g_array_index(events, pending_event, i);
        e->fn(e->name, e->event, e->value, e->detail, e->opaque);
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

/* Queues LOAD and the ELF in DATA frames on channel 0. Lock held. */
static void send_load(guest_plugin *plugin, GArray *events)
{
    g_autofree char *elf = NULL;
    gsize size = 0;
    g_autoptr(GError) error = NULL;

    if (!g_file_get_contents(plugin->path, &elf, &size, &error)) {
        fail_plugin(plugin, 0, error->message, events);
        return;
    }
    if (size == 0 || size > MAX_GUEST_PLUGIN_BYTES) {
        g_autofree char *why = g_strdup_printf("%s is %s (limit %u MiB)", plugin->path,
                                               size ? "too large" : "empty",
                                               MAX_GUEST_PLUGIN_BYTES >> 20);
        fail_plugin(plugin, 0, why, events);
        return;
    }
    plugin->request = ++gpm.next_request;
    uint8_t load_frame[GP_DAEMON_LOAD_FRAME_MAX];
    size_t load_length = gp_daemon_put_load(load_frame, plugin->request, size, plugin->name);
    int result = gp_channel_table_push(gpm.table, GP_DAEMON_CHANNEL, load_frame, load_length);
    uint8_t *frame = g_malloc(GP_DAEMON_MAX_FRAME);
    for (gsize offset = 0; result == 0 && offset < size; offset += DATA_PER_FRAME) {
        size_t chunk = MIN(size - offset, DATA_PER_FRAME);
        gp_daemon_put_header(frame, GP_DAEMON_DATA, (uint32_t)chunk, plugin->request);
        memcpy(frame + GP_DAEMON_HEADER_SIZE, elf + offset, chunk);
        result = gp_channel_table_push(gpm.table, GP_DAEMON_CHANNEL, frame,
                                       GP_DAEMON_HEADER_SIZE + chunk);
    }
    g_free(frame);
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

static void on_daemon_frame(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)ch, (void)opaque;
    gp_daemon_report report;
    GArray *events = g_array_new(FALSE, FALSE, sizeof(pending_event));

    if (!gp_daemon_parse_report(data, len, &report)) {
        gp_log("ignored a malformed guest_daemon frame of %zu bytes", len);
        deliver_events(events);
        return;
    }
    g_mutex_lock(&gpm.lock);
    guest_plugin *plugin = report.type == GP_DAEMON_EXITED ? find_by_name(report.name)
                                                           : find_by_request(report.request);
    switch (report.type) {
    case GP_DAEMON_HELLO:
        gpm.daemon_up = true;
        gp_log("guest_daemon is up (pid %u)", report.value);
        send_all_pending(events);
        break;
    case GP_DAEMON_STARTED:
        if (plugin && plugin->state == PLUGIN_SENT) {
            plugin->state = PLUGIN_RUNNING;
            queue_event(events, plugin, GP_GUEST_PLUGIN_STARTED, (int)report.value, "");
        }
        break;
    case GP_DAEMON_FAILED:
        if (plugin && plugin->state == PLUGIN_SENT) {
            g_autofree char *why = g_strdup_printf("guest_daemon could not run it: %s",
                                                   g_strerror((int)report.value));
            fail_plugin(plugin, (int)report.value, why, events);
        }
        break;
    case GP_DAEMON_EXITED:
        if (plugin && plugin->state == PLUGIN_RUNNING) {
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
        return GP_CHANNEL_INVALID;
    }
    g_autofree char *path = NULL;
    if (explicit_path) {
        if (!g_file_test(explicit_path, G_FILE_TEST_IS_REGULAR)) {
            gp_log("guest plugin \"%s\": no file at %s", name, explicit_path);
            return GP_CHANNEL_INVALID;
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
            return GP_CHANNEL_INVALID;
        }
    }

    GArray *events = g_array_new(FALSE, FALSE, sizeof(pending_event));
    gp_channel_id channel = GP_CHANNEL_INVALID;
    bool need_daemon = false;
    g_mutex_lock(&gpm.lock);
    guest_plugin *plugin = find_by_name(name);
    if (plugin && plugin->state != PLUGIN_DONE) {
        gp_log("guest plugin \"%s\" is already loaded; a second one of the same name is "
               "refused", name);
    } else if (!gpm.can_inject) {
        gp_log("guest plugin \"%s\": this QEMU target has no guest_daemon or injector yet",
               name);
    } else {
        if (plugin) {
            /* Loaded before, now gone: reuse its channel for the new run. */
            gp_channel_table_set_recv(gpm.table, plugin->channel, cb, opaque);
            g_free(plugin->path);
        } else if (gp_channel_table_add(gpm.table, name, cb, opaque, &channel) == 0) {
            plugin = g_new0(guest_plugin, 1);
            plugin->name = g_strdup(name);
            plugin->channel = channel;
            g_ptr_array_add(gpm.plugins, plugin);
        } else {
            gp_log("guest plugin \"%s\": a channel of that name already exists", name);
        }
        if (plugin) {
            plugin->path = g_steal_pointer(&path);
            plugin->state = PLUGIN_PENDING;
            channel = plugin->channel;
            if (gpm.daemon_up) {
                send_load(plugin, events);
            } else {
                need_daemon = true;
            }
        }
    }
    g_mutex_unlock(&gpm.lock);
    if (need_daemon) {
        gp_inject_request();
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
    if (ok) {
        gp_log("guest_daemon injected; waiting for it to call in");
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

void gp_guest_plugins_reset(void)
{
    bool pending = false;
    g_mutex_lock(&gpm.lock);
    gpm.daemon_up = false;
    for (guint i = 0; gpm.plugins && i < gpm.plugins->len; i++) {
        guest_plugin *plugin = g_ptr_array_index(gpm.plugins, i);
        if (plugin->state == PLUGIN_SENT) {
            plugin->state = PLUGIN_PENDING; /* the daemon it was sent to is gone */
        } else if (plugin->state == PLUGIN_RUNNING) {
            plugin->state = PLUGIN_DONE;
        }
        pending |= plugin->state == PLUGIN_PENDING;
    }
    g_mutex_unlock(&gpm.lock);
    gp_channel_table_drop_queues(gpm.table);
    if (pending) {
        gp_inject_request();
    }
}

void gp_guest_plugins_init(gp_channel_table *table, const char *arch_dir, bool can_inject)
{
    gpm.table = table;
    gpm.arch_dir = g_strdup(arch_dir);
    gpm.can_inject = can_inject;
    gpm.plugins = g_ptr_array_new();
    gp_channel_table_add_fixed(table, GP_DAEMON_CHANNEL, "guest_daemon", on_daemon_frame, NULL);
}
