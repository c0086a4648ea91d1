/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host side of the injection tests. Arguments:
 *   plugins=A+B   guest plugins to load at start (by name, or from dir=)
 *   dir=DIR       load those found as DIR/NAME with gp_load_guest_plugin_path
 *   token=HEX     the token that claims the control channel (32 hex digits;
 *                 the test passes the same to trigger as $GUESTPLUG_TOKEN)
 * A channel named "inject_test" takes "load NAME" from the guest, loading
 * NAME from inside a channel callback. Every event and message is printed
 * as "inject_test: ..." for the tests to check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <guestplug/host.h>

static const char *plugin_dir;

static void on_message(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)ch;
    const char *name = opaque;
    if (len == 4) {
        uint32_t value = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
                         (uint32_t)data[3] << 24;
        printf("inject_test: %s sent u32 %u\n", name, value);
    } else {
        printf("inject_test: %s sent '%.*s'\n", name, (int)len, (const char *)data);
    }
    fflush(stdout);
}

static void on_event(const char *name, gp_guest_plugin_event event, int value,
                     const char *detail, void *opaque)
{
    (void)opaque;
    if (event == GP_GUEST_PLUGIN_STARTED) {
        printf("inject_test: %s started (pid %d)\n", name, value);
    } else if (event == GP_GUEST_PLUGIN_FAILED) {
        printf("inject_test: %s failed (%d): %s\n", name, value, detail);
    } else if (event == GP_GUEST_PLUGIN_LOST) {
        printf("inject_test: %s lost: %s\n", name, detail);
    } else if (event == GP_GUEST_PLUGIN_DAEMON_GONE) {
        printf("inject_test: %s daemon gone (pid %d): %s\n", name, value, detail);
    } else if (WIFSIGNALED(value)) {
        printf("inject_test: %s exited: signal %d\n", name, WTERMSIG(value));
    } else {
        printf("inject_test: %s exited: status %d\n", name, WEXITSTATUS(value));
    }
    fflush(stdout);
}

static void load(const char *name)
{
    char *owned = strdup(name); /* the channel callback's opaque: lives forever */
    gp_channel_id ch;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", plugin_dir ? plugin_dir : "", name);
    if (plugin_dir && access(path, R_OK) == 0) {
        ch = gp_load_guest_plugin_path(owned, path, on_message, owned);
    } else {
        ch = gp_load_guest_plugin(owned, on_message, owned);
    }
    printf("inject_test: load %s -> %s\n", name, ch == GP_CHANNEL_INVALID ? "invalid" : "ok");
    fflush(stdout);
    if (ch != GP_CHANNEL_INVALID) {
        gp_guest_plugin_set_event_handler(owned, on_event, NULL);
    }
}

static void on_control(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)ch, (void)opaque;
    char command[128] = { 0 };
    memcpy(command, data, len < sizeof command - 1 ? len : sizeof command - 1);
    if (strncmp(command, "load ", 5) == 0) {
        load(command + 5);
    } else {
        printf("inject_test: unknown command '%s'\n", command);
    }
}

bool gp_plugin_init(gp_plugin *self)
{
    plugin_dir = gp_plugin_arg(self, "dir", NULL);
    gp_channel_id control = gp_channel_create("inject_test", on_control, NULL);
    if (control == GP_CHANNEL_INVALID) {
        return false;
    }
    const char *token = gp_plugin_arg(self, "token", NULL);
    if (token && gp_channel_set_token(control, token) != 0) {
        fprintf(stderr, "inject_test: token=%s is not 32 hex digits\n", token);
        return false;
    }
    const char *list = gp_plugin_arg(self, "plugins", "");
    char *names = strdup(list);
    for (char *name = strtok(names, "+"); name; name = strtok(NULL, "+")) {
        load(name);
    }
    free(names);
    return true;
}
