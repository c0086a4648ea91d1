/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host side of the hostile-guest channel tests (tests/integration/
 * hostile_channels*.sh): what an unprivileged attacker aims at, and how the
 * test sees that it is intact. Arguments:
 *   token=HEX   the token of the control channel "hostile_target" (32 hex
 *               digits; the test gives the same to its root programs)
 *   dir=DIR     where guest plugins named in "load" are (DIR/NAME)
 * Channels:
 *   hostile_target  control, commands from the test's root programs:
 *                     "load NAME"   load guest plugin NAME (from DIR)
 *                     "stash N"     queue N secrets ("secret-000" ...) on
 *                                   this channel, for its owner to read back
 *                     "rss LABEL"   print QEMU's VmRSS as "rss LABEL N kB", and
 *                                   "mark LABEL" on stderr (log bytes between)
 *   hostile_echo    named, owned by no one: every message comes back (the
 *                   flood target under channels=open); failures only counted
 *   NAME            a loaded guest plugin's main channel: everything it sends
 *                   is printed; on "ready" 100 secrets are queued for it
 * Every event is printed as "hostile_target: ...".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <guestplug/host.h>

#define SECRETS 100

static const char *plugin_dir;
static unsigned long echo_failures;

static void queue_secrets(gp_channel_id ch, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        char secret[32];
        int length = snprintf(secret, sizeof secret, "secret-%03u", i);
        if (gp_channel_write(ch, secret, (size_t)length) != 0) {
            printf("hostile_target: could not queue secret %u\n", i);
        }
    }
    printf("hostile_target: queued %u secrets on channel %u\n", count, ch);
    fflush(stdout);
}

static void on_plugin(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    const char *name = opaque;
    if (len == 4) { /* c_example's count */
        printf("hostile_target: %s sent u32 %u\n", name,
               (unsigned)data[0] | (unsigned)data[1] << 8 | (unsigned)data[2] << 16 |
                   (unsigned)data[3] << 24);
    } else {
        printf("hostile_target: %s sent '%.*s'\n", name, (int)len, (const char *)data);
    }
    fflush(stdout);
    if (len == 5 && memcmp(data, "ready", 5) == 0) {
        queue_secrets(ch, SECRETS);
    }
}

static void on_event(const char *name, gp_guest_plugin_event event, int value,
                     const char *detail, void *opaque)
{
    (void)opaque;
    static const char *const names[] = { "started", "failed", "exited", "lost",
                                         "daemon gone" };
    if (event == GP_GUEST_PLUGIN_EXITED) {
        printf("hostile_target: %s exited: %s %d\n", name,
               WIFSIGNALED(value) ? "signal" : "status",
               WIFSIGNALED(value) ? WTERMSIG(value) : WEXITSTATUS(value));
    } else {
        printf("hostile_target: %s %s (%d) %s\n", name, names[event], value, detail);
    }
    fflush(stdout);
}

static void load(const char *name)
{
    char *owned = strdup(name); /* lives as long as its channel */
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", plugin_dir ? plugin_dir : ".", name);
    gp_channel_id ch = access(path, R_OK) == 0
                           ? gp_load_guest_plugin_path(owned, path, on_plugin, owned)
                           : gp_load_guest_plugin(owned, on_plugin, owned);
    printf("hostile_target: load %s -> %s\n", name, ch == GP_CHANNEL_INVALID ? "invalid" : "ok");
    fflush(stdout);
    if (ch != GP_CHANNEL_INVALID) {
        gp_guest_plugin_set_event_handler(owned, on_event, NULL);
    }
}

static long vm_rss_kb(void)
{
    FILE *status = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (status && fgets(line, sizeof line, status)) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
        }
    }
    if (status) {
        fclose(status);
    }
    return kb;
}

static void on_control(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)opaque;
    char command[128] = { 0 };
    memcpy(command, data, len < sizeof command - 1 ? len : sizeof command - 1);
    if (strncmp(command, "load ", 5) == 0) {
        load(command + 5);
    } else if (strncmp(command, "stash ", 6) == 0) {
        queue_secrets(ch, (unsigned)strtoul(command + 6, NULL, 10));
    } else if (strncmp(command, "rss ", 4) == 0) {
        fflush(stderr);
        fprintf(stderr, "hostile_target: mark %s\n", command + 4);
        fflush(stderr);
        printf("hostile_target: rss %s %ld kB (echo failures so far: %lu)\n", command + 4,
               vm_rss_kb(), echo_failures);
        fflush(stdout);
    } else {
        printf("hostile_target: unknown command '%s'\n", command);
        fflush(stdout);
    }
}

static void on_echo(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)opaque;
    if (gp_channel_write(ch, data, len) != 0) {
        echo_failures++;
    }
}

bool gp_plugin_init(gp_plugin *self)
{
    plugin_dir = gp_plugin_arg(self, "dir", NULL);
    const char *token = gp_plugin_arg(self, "token", NULL);
    gp_channel_id control = gp_channel_create("hostile_target", on_control, NULL);
    if (control == GP_CHANNEL_INVALID || !token || gp_channel_set_token(control, token) != 0 ||
        gp_channel_create("hostile_echo", on_echo, NULL) == GP_CHANNEL_INVALID) {
        fprintf(stderr, "hostile_target: needs token=<32 hex digits>\n");
        return false;
    }
    return true;
}
