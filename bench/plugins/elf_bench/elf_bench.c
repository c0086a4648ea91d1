/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Measures how fast a guest plugin's ELF travels to guest_daemon: once
 * c_example has exited (so the daemon is up and idle), it loads the 4 MiB
 * plugin at dir=DIR/pad4m and times the load from gp_load_guest_plugin to
 * STARTED: the ping, the ELF read on the host and streamed over channel 0
 * into the daemon's memfd, and the exec. Prints elf_transfer_mib_s.
 *
 * Not from c_example's start: the generic guest has one vCPU, and
 * c_example, starting then, took half of it from the daemon, so the figure
 * measured the scheduler more than the transfer.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <guestplug/host.h>

static char pad_path[4096];
static double load_started;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void ignore(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)ch, (void)data, (void)len, (void)opaque;
}

static void on_event(const char *name, gp_guest_plugin_event event, int value,
                     const char *detail, void *opaque)
{
    (void)value, (void)opaque;
    if (event == GP_GUEST_PLUGIN_FAILED) {
        fprintf(stderr, "elf_bench: %s failed: %s\n", name, detail);
        gp_end_analysis();
    } else if (event == GP_GUEST_PLUGIN_EXITED && strcmp(name, "c_example") == 0) {
        load_started = now_s();
        gp_load_guest_plugin_path("pad4m", pad_path, ignore, NULL);
        gp_guest_plugin_set_event_handler("pad4m", on_event, NULL);
    } else if (event == GP_GUEST_PLUGIN_STARTED && strcmp(name, "pad4m") == 0) {
        struct stat info;
        stat(pad_path, &info);
        printf("elf_transfer_mib_s %.1f MiB/s\n",
               (double)info.st_size / (1 << 20) / (now_s() - load_started));
        fflush(stdout);
        gp_end_analysis();
    }
}

bool gp_plugin_init(gp_plugin *self)
{
    snprintf(pad_path, sizeof pad_path, "%s/pad4m", gp_plugin_arg(self, "dir", "."));
    if (gp_load_guest_plugin("c_example", ignore, NULL) == GP_CHANNEL_INVALID) {
        return false;
    }
    return gp_guest_plugin_set_event_handler("c_example", on_event, NULL) == 0;
}
