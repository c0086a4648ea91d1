/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guestplug snapshot save NAME -a ARCH --disk FILE.qcow2 [own-guest options] [-c CMD]...
 * guestplug snapshot list --disk FILE.qcow2
 * guestplug snapshot delete NAME --disk FILE.qcow2
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "disk.h"
#include "error.h"
#include "guest_options.h"
#include "vm_internal.h"

static const char overview[] =
    "usage: guestplug snapshot save NAME -a ARCH --disk FILE.qcow2 [GUEST OPTIONS] [-c CMD]...\n"
    "       guestplug snapshot list --disk FILE.qcow2\n"
    "       guestplug snapshot delete NAME --disk FILE.qcow2\n"
    "\n"
    "Snapshots of your own guest, kept in its qcow2 disk: save one after booting\n"
    "(and running commands), then start from it with `guestplug run ... --snapshot\n"
    "NAME`. `guestplug snapshot save --help` lists the guest options.\n";

/* A GError from the disk functions -> message and exit status. */
static int disk_failure(GError *error)
{
    fprintf(stderr, "guestplug: %s\n", error->message);
    int status = error->code == GP_RUN_ERROR_USAGE ? EXIT_USAGE : EXIT_FAILURE;
    g_error_free(error);
    return status;
}

/* Types each command; all must succeed. 0, or the exit status to end with. */
static int run_setup_commands(gp_vm *vm, char **commands, int timeout, const char *name)
{
    for (char **command = commands; command && *command; command++) {
        g_autofree char *output = NULL;
        int status = 0;
        if (gp_vm_run_serial_cmd(vm, *command, timeout, &output, &status) < 0) {
            fprintf(stderr, "guestplug: %s; snapshot '%s' not saved\n", gp_vm_last_error(vm),
                    name);
            return EXIT_FAILURE;
        }
        if (*output) {
            printf("%s\n", output);
            fflush(stdout);
        }
        if (status != 0) {
            fprintf(stderr, "guestplug: guest command '%s' exited with status %d; snapshot "
                    "'%s' not saved\n", *command, status, name);
            return status;
        }
    }
    return 0;
}

/* A foreground command gets this long to get going before the save. */
#define BUSY_SETTLE_US (G_USEC_PER_SEC)

/* Types BUSY without waiting for it, and gives it time to start. */
static int start_busy_command(gp_vm *vm, const char *busy, const char *name)
{
    if (gp_vm_type_serial(vm, busy) < 0) {
        fprintf(stderr, "guestplug: %s; snapshot '%s' not saved\n", gp_vm_last_error(vm), name);
        return EXIT_FAILURE;
    }
    g_usleep(BUSY_SETTLE_US);
    return 0;
}

/* Boots (or loads OPTIONS' snapshot), runs COMMANDS, starts BUSY if given,
 * saves NAME. */
static int save(const gp_guest_options *options, char **commands, const char *busy,
                int timeout, const char *name)
{
    int status = 0;
    gp_vm *vm = gp_guest_options_new_vm(options, timeout, &status);
    if (!vm) {
        return status;
    }
    gint64 started = g_get_monotonic_time();
    /* A snapshot holds no plugin state, and plain QEMU boots faster. */
    if (gp_vm_set_core_enabled(vm, false) < 0 || gp_vm_start(vm) < 0) {
        status = gp_cli_vm_failure(vm);
    }
    status = status ? status : run_setup_commands(vm, commands, timeout, name);
    if (!status && busy) {
        status = start_busy_command(vm, busy, name);
    }
    if (!status && gp_vm_savevm(vm, name) < 0) {
        status = gp_cli_vm_failure(vm);
    }
    if (!status) {
        fprintf(stderr, "guestplug: snapshot '%s' saved on %s (%.1f s)\n", name, options->disk,
                (double)(g_get_monotonic_time() - started) / 1e6);
    }
    gp_vm_end(vm);
    return status;
}

static int verb_save(int argc, char **argv)
{
    gp_guest_options guest = { 0 };
    char **commands = NULL;
    char *busy = NULL;
    int timeout = 60;
    GOptionEntry entries[] = {
        { "command", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &commands,
          "Type CMD on the serial console before saving; it must exit 0 (repeatable)", "CMD" },
        { "busy", 0, 0, G_OPTION_ARG_STRING, &busy,
          "After the -c commands, type CMD without waiting for it and save 1 s later, "
          "busy with it in the foreground (e.g. 'sleep 300')", "CMD" },
        { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
          "Seconds to wait for each command (default 60)", "SECONDS" },
        { NULL },
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("NAME -a ARCH --disk FILE.qcow2 - save a snapshot of your guest");
    g_option_context_set_summary(context,
        "Boots your own guest (or starts it from --snapshot OLD), waits for its shell\n"
        "prompt, types each -c command, then saves the running guest as snapshot NAME\n"
        "on its qcow2 --disk, replacing a snapshot of that name. Every command must\n"
        "exit 0: the first that does not stops the save, and guestplug exits with its\n"
        "status. The guest runs without libguestplug.so (a snapshot holds no plugin\n"
        "state) and without -c it is saved right at the prompt.\n"
        "\n"
        "Start from the snapshot with `guestplug run` and the same guest options\n"
        "(-a, --kernel, --initrd, --append, --disk, --disk-if, -M, --cpu, -m,\n"
        "--qemu-arg): QEMU loads a snapshot only into the machine it was saved from.\n"
        "A raw disk holds no snapshots: `guestplug qemu img convert -O qcow2 RAW NEW`.\n"
        "\n"
        "Examples:\n"
        "  guestplug qemu img create -f qcow2 my.qcow2 1G\n"
        "  guestplug snapshot save ready -a x86_64 --kernel vmlinuz --initrd initrd.gz \\\n"
        "      --append console=ttyS0 --disk my.qcow2 --prompt 'root@box:.*# $' \\\n"
        "      -c 'echo configured > /etc/motd'\n"
        "  guestplug snapshot save ready2 -a x86_64 --kernel vmlinuz --initrd initrd.gz \\\n"
        "      --append console=ttyS0 --disk my.qcow2 --snapshot ready -c 'mkdir /work'\n"
        "  guestplug run -a x86_64 --kernel vmlinuz --initrd initrd.gz \\\n"
        "      --append console=ttyS0 --disk my.qcow2 --snapshot ready2 -c 'ls /work'");
    g_option_context_add_main_entries(context, entries, NULL);
    gp_guest_options_add(context, &guest);
    int status = 0;
    GError *error = NULL;
    if (!gp_cli_parse(context, &argc, &argv)) {
        status = EXIT_USAGE;
    } else if (argc != 2) {
        status = gp_cli_usage_error(context, argc < 2 ? "name the snapshot to save"
                                                      : "unexpected argument after NAME; "
                                                        "quote each -c command");
    } else if (!guest.arch) {
        status = gp_cli_usage_error(context, "give --arch ARCH (the ARCH of qemu-system-ARCH) "
                                    "and describe your guest (--kernel, --disk, ...)");
    } else if (!guest.disk) {
        status = gp_cli_usage_error(context, "give --disk FILE.qcow2, the disk the snapshot "
                                    "is saved on (make one with `guestplug qemu img create "
                                    "-f qcow2 FILE.qcow2 1G`)");
    } else if (gp_guest_options_problem(&guest)) {
        status = gp_cli_usage_error(context, gp_guest_options_problem(&guest));
    } else if (!gp_disk_require_qcow2(guest.disk, "saving a snapshot", &error)) {
        status = disk_failure(error);
    } else {
        status = save(&guest, commands, busy, timeout, argv[1]);
    }
    gp_guest_options_clear(&guest);
    g_strfreev(commands);
    g_free(busy);
    return status;
}

static bool delete_snapshot(const gp_qemu *qemu, const char *disk, const char *name,
                            GError **error)
{
    if (!gp_disk_require_snapshot(qemu, disk, name, error) ||
        !gp_disk_delete_snapshot_with(qemu, disk, name, error)) {
        return false;
    }
    fprintf(stderr, "guestplug: snapshot '%s' deleted from %s\n", name, disk);
    return true;
}

static bool list_snapshots(const gp_qemu *qemu, const char *disk, GError **error)
{
    g_autoptr(GPtrArray) snapshots = gp_disk_snapshots(qemu, disk, error);
    if (!snapshots) {
        return false;
    }
    if (snapshots->len == 0) {
        fprintf(stderr, "guestplug: %s has no snapshots; save one with `guestplug snapshot "
                "save NAME --disk %s ...`\n", disk, disk);
        return true;
    }
    printf("%-24s %10s  %s\n", "NAME", "VM STATE", "SAVED");
    for (guint i = 0; i < snapshots->len; i++) {
        const gp_disk_snapshot *snapshot = g_ptr_array_index(snapshots, i);
        g_autofree char *size = g_format_size(snapshot->vm_state_size);
        g_autoptr(GDateTime) saved = g_date_time_new_from_unix_local(snapshot->date_sec);
        g_autofree char *date = saved ? g_date_time_format(saved, "%Y-%m-%d %H:%M:%S") : NULL;
        printf("%-24s %10s  %s\n", snapshot->name, size, date ? date : "?");
    }
    return true;
}

/* list and delete: the disk alone, no VM. */
static int verb_disk(int argc, char **argv, bool delete)
{
    char *disk = NULL;
    GOptionEntry entries[] = {
        { "disk", 0, 0, G_OPTION_ARG_FILENAME, &disk, "The qcow2 disk image", "FILE.qcow2" },
        { NULL },
    };
    g_autoptr(GOptionContext) context = g_option_context_new(
        delete ? "NAME --disk FILE.qcow2 - delete a snapshot"
               : "--disk FILE.qcow2 - list the snapshots on a disk");
    g_option_context_set_summary(context, delete
        ? "Deletes snapshot NAME from the qcow2 disk (with qemu-img; not while a guest\n"
          "runs on it).\n\nExample:\n  guestplug snapshot delete ready --disk my.qcow2"
        : "Lists the snapshots on the qcow2 disk: name, size of the saved RAM and\n"
          "device state, and when it was saved (with qemu-img; works while a guest\n"
          "runs on it).\n\nExample:\n  guestplug snapshot list --disk my.qcow2");
    g_option_context_add_main_entries(context, entries, NULL);
    int status = 0;
    GError *error = NULL;
    if (!gp_cli_parse(context, &argc, &argv)) {
        status = EXIT_USAGE;
    } else if (argc != (delete ? 2 : 1)) {
        status = gp_cli_usage_error(context, delete ? "name one snapshot to delete"
                                                    : "unexpected argument");
    } else if (!disk) {
        status = gp_cli_usage_error(context, "give --disk FILE.qcow2");
    } else {
        g_autoptr(gp_qemu) qemu = gp_disk_locate_qemu(&error);
        bool done = qemu && (delete ? delete_snapshot(qemu, disk, argv[1], &error)
                                    : list_snapshots(qemu, disk, &error));
        status = done ? EXIT_SUCCESS : disk_failure(error);
    }
    g_free(disk);
    return status;
}

int gp_verb_snapshot(int argc, char **argv)
{
    const char *action = argc > 1 ? argv[1] : NULL;
    if (!action || strcmp(action, "--help") == 0 || strcmp(action, "-h") == 0 ||
        strcmp(action, "help") == 0) {
        fputs(overview, action ? stdout : stderr);
        return action ? EXIT_SUCCESS : EXIT_USAGE;
    }
    /* argv[0] becomes "guestplug snapshot ACTION" for the action's help. */
    g_autofree char *program = g_strdup_printf("%s %s", argv[0], action);
    argv[1] = program;
    if (strcmp(action, "save") == 0) {
        return verb_save(argc - 1, argv + 1);
    }
    if (strcmp(action, "list") == 0 || strcmp(action, "delete") == 0) {
        return verb_disk(argc - 1, argv + 1, strcmp(action, "delete") == 0);
    }
    fprintf(stderr, "guestplug: unknown snapshot action '%s'\n\n%s", action, overview);
    return EXIT_USAGE;
}
