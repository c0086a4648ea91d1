/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guestplug run -g ARCH [--userland NAME] [-p PLUGIN[:key=value,...]]... [-c CMD]...
 *     [--snapshot NAME | --cold-boot]
 * guestplug run -a ARCH --kernel FILE|--disk FILE [own-guest options] [-c CMD]...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "cli.h"
#include "guest_options.h"
#include "userland.h"
#include "vm_internal.h"

typedef struct {
    gp_guest_options guest;
    char **plugins, **commands, **copies, **core_args;
    gboolean cold_boot, no_core;
    int command_timeout;
} run_options;

/* "name:k=v,k2=v2" -> gp_vm_load_plugin(vm, "name", "k=v,k2=v2") */
static int load_plugin_spec(gp_vm *vm, const char *spec)
{
    g_autofree char *name = g_strdup(spec);
    char *args = strchr(name, ':');
    if (args) {
        *args++ = '\0';
    }
    return gp_vm_load_plugin(vm, name, args);
}

/* "HOST:GUEST" -> gp_vm_copy_to_guest(vm, HOST, GUEST) */
static int copy_files(gp_vm *vm, const run_options *o)
{
    for (char **copy = o->copies; copy && *copy; copy++) {
        g_autofree char *host = g_strdup(*copy);
        char *guest = strrchr(host, ':');
        if (!guest || guest == host || !guest[1]) {
            fprintf(stderr, "guestplug: --copy takes HOST_FILE:GUEST_PATH, not '%s'\n", *copy);
            return -1;
        }
        *guest++ = '\0';
        if (gp_vm_copy_to_guest(vm, host, guest) < 0) {
            return -1;
        }
    }
    return 0;
}

/*
 * Types each command and prints its output. Returns the exit status of the
 * first command that failed (or EXIT_TIMEOUT / EXIT_FAILURE when one could
 * not be run to its end, which also stops the rest), else 0. A host plugin
 * ending the analysis stops the commands without failing them.
 */
static int run_commands(gp_vm *vm, const run_options *o)
{
    int first_failure = 0;
    for (char **command = o->commands; command && *command && !gp_vm_ended(vm); command++) {
        char *output = NULL;
        int status = 0;
        if (gp_vm_run_serial_cmd(vm, *command, o->command_timeout, &output, &status) < 0) {
            return gp_vm_ended(vm) ? first_failure : gp_cli_vm_failure(vm);
        }
        printf("%s\n", output);
        fflush(stdout);
        gp_vm_free_string(output);
        if (status != 0) {
            fprintf(stderr, "guestplug: guest command '%s' exited with status %d\n",
                    *command, status);
            first_failure = first_failure ? first_failure : status;
        }
    }
    return first_failure;
}

/*
 * With host plugins, the run is over once the guest plugins they requested
 * have finished (or a host plugin ends it). After commands only the guest
 * plugins already requested are waited for; without commands the plugins
 * have until -t. 0, or the exit status of why the wait failed.
 */
static int wait_for_the_plugins(gp_vm *vm, const run_options *o)
{
    if (!o->plugins || gp_vm_ended(vm) ||
        (o->commands && gp_vm_guest_plugins_requested(vm) == 0)) {
        return 0;
    }
    int waited = gp_vm_run_until_end(vm, o->command_timeout);
    if (waited < 0) {
        return gp_cli_vm_failure(vm);
    }
    if (waited == 1 && !o->commands) {
        fprintf(stderr, "guestplug: ran for %d s (-t): no guest plugin was requested and no "
                "host plugin ended the analysis\n", o->command_timeout);
    }
    return 0;
}

/*
 * The run itself, once the guest is described: load the host plugins, start,
 * copy the files, run the commands, wait for the guest plugins, and turn how
 * it all went into the exit status (docs/running.md). Ends VM.
 */
static int run_to_the_end(gp_vm *vm, const run_options *o)
{
    for (char **plugin = o->plugins; plugin && *plugin; plugin++) {
        if (load_plugin_spec(vm, *plugin) < 0) {
            int status = gp_cli_vm_failure(vm);
            gp_vm_end(vm);
            return status;
        }
    }
    /* A host plugin may end the analysis before the guest is up (a guest
     * plugin that ran during a cold boot): that is how the run ends, not
     * a failure to start. */
    int started = gp_vm_start(vm);
    if ((started < 0 && !gp_vm_ended(vm)) || (started == 0 && copy_files(vm, o) < 0)) {
        int status = gp_vm_last_error(vm)[0] ? gp_cli_vm_failure(vm) : EXIT_FAILURE;
        gp_vm_end(vm);
        return status;
    }
    if (started < 0 && o->commands) {
        fprintf(stderr, "guestplug: a host plugin ended the analysis before the guest's prompt "
                "came; the -c commands did not run\n");
    }
    int command_status = started == 0 ? run_commands(vm, o) : 0;
    int wait_status = command_status == EXIT_TIMEOUT ? 0 : wait_for_the_plugins(vm, o);
    int end_status = gp_vm_end_status(vm);
    if (end_status) {
        fprintf(stderr, "guestplug: a host plugin ended the analysis with status %d\n",
                end_status);
    }
    const char *plugin_failure = gp_vm_guest_plugin_failure(vm);
    if (plugin_failure) {
        fprintf(stderr, "guestplug: %s\n", plugin_failure);
    }
    gp_vm_end(vm);
    /* The host plugin's own word first, then what failed first. */
    return end_status       ? end_status
           : command_status ? command_status
           : plugin_failure ? EXIT_FAILURE
                            : wait_status;
}

/* --core KEY=VALUE settings; the exit status on failure, else 0. */
static int set_core_args(gp_vm *vm, const run_options *o)
{
    if (o->no_core && gp_vm_set_core_enabled(vm, false) < 0) {
        return gp_cli_vm_failure(vm);
    }
    for (char **arg = o->core_args; arg && *arg; arg++) {
        g_autofree char *key = g_strdup(*arg);
        char *value = strchr(key, '=');
        if (!value) {
            fprintf(stderr, "guestplug: --core takes KEY=VALUE, not '%s'\n", *arg);
            return EXIT_USAGE;
        }
        *value++ = '\0';
        if (gp_vm_set_core_arg(vm, key, value) < 0) {
            return gp_cli_vm_failure(vm);
        }
    }
    return 0;
}

static int run_with_options(GOptionContext *context, run_options *o, int argc)
{
    if (argc > 1) {
        return gp_cli_usage_error(context, "unexpected argument; quote each -c command");
    }
    const char *problem = gp_guest_options_problem(&o->guest);
    if (problem) {
        return gp_cli_usage_error(context, problem);
    }
    if (o->no_core && o->plugins) {
        fprintf(stderr, "guestplug: host plugins (-p) need the core; drop --no-core\n");
        return EXIT_USAGE;
    }
    g_autofree char *refusal =
        o->plugins || o->core_args ? gp_guest_options_refuse_plugins(&o->guest) : NULL;
    if (refusal) {
        fprintf(stderr, "guestplug: %s\n", refusal);
        return EXIT_USAGE;
    }
    int status = 0;
    gp_vm *vm = gp_guest_options_new_vm(&o->guest, o->command_timeout, &status);
    if (!vm) {
        return status;
    }
    if (o->cold_boot && gp_vm_set_start_snapshot(vm, NULL) < 0) {
        status = gp_cli_vm_failure(vm);
    }
    status = status ? status : set_core_args(vm, o);
    if (status) {
        gp_vm_end(vm);
        return status;
    }
    return run_to_the_end(vm, o);
}

int gp_verb_run(int argc, char **argv)
{
    run_options o = { .command_timeout = 60 };
    GOptionEntry entries[] = {
        { "generic", 'g', 0, G_OPTION_ARG_STRING, &o.guest.generic,
          "Run guestplug's generic image of ARCH", "ARCH" },
        { "userland", 0, 0, G_OPTION_ARG_STRING, &o.guest.userland,
          "With -g: the image's userland, busybox (default) or debian (below)", "NAME" },
        { "plugin", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &o.plugins,
          "Load host plugin NAME, with optional arguments (repeatable)",
          "NAME[:key=value,...]" },
        { "command", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &o.commands,
          "Type CMD on the serial console and print its output (repeatable)", "CMD" },
        { "copy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.copies,
          "Copy a host file into the guest over the serial console before the commands "
          "(repeatable)", "HOST_FILE:GUEST_PATH" },
        { "cold-boot", 0, 0, G_OPTION_ARG_NONE, &o.cold_boot,
          "Boot from scratch and wait for the prompt instead of reverting", NULL },
        { "core", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.core_args,
          "A setting of libguestplug.so, e.g. inject_timeout=10 (repeatable)", "KEY=VALUE" },
        { "no-core", 0, 0, G_OPTION_ARG_NONE, &o.no_core,
          "Run plain QEMU without libguestplug.so (a baseline for measurements)", NULL },
        { "timeout", 't', 0, G_OPTION_ARG_INT, &o.command_timeout,
          "Seconds to wait for each command, and then for the guest plugins (default 60)",
          "SECONDS" },
        { NULL },
    };
    g_autoptr(GOptionContext) context = g_option_context_new("- run a guest under guestplug");
    g_autofree char *summary = g_strdup_printf(
        "Starts QEMU 11.1 under TCG with libguestplug.so and the host plugins given\n"
        "with -p, reverts to the 'root' snapshot (generic images), types each -c\n"
        "command on the serial console, prints its output and shuts QEMU down.\n"
        "With -p it then waits (at most --timeout) until every guest plugin the host\n"
        "plugins requested has finished; a host plugin ending the analysis ends the\n"
        "run at once, cutting a running -c command short.\n"
        "\n"
        "Exit status: 0 when every command and guest plugin succeeded; 1 on a\n"
        "failure (a guest plugin that failed or exited non-zero, QEMU, the image);\n"
        "2 for a wrong command line; 124 on a timeout; a failing command's own\n"
        "status; a host plugin's gp_end_analysis_with_status(N); 130 on SIGINT.\n"
        "Plugin arguments keep commas when quoted: -p 'NAME:key=\"a,b\"' (docs/running.md).\n"
        "\n"
        "What works where:\n%s"
        "\n"
        "Userlands of the generic images (--userland; each its own image and 'root'):\n%s"
        "\n"
        "Own guests: instead of -g, name qemu-system-ARCH with -a and describe the\n"
        "guest (docs/images.md). Save snapshots to start from with\n"
        "`guestplug snapshot save`.\n"
        "\n"
        "Examples:\n"
        "  guestplug run -g x86_64 -p guest_plugin_example\n"
        "  guestplug run -g x86_64 -c 'cat /proc/version'\n"
        "  guestplug run -g x86_64 --userland debian -c 'systemctl is-system-running'\n"
        "  guestplug run -g x86_64 --userland debian --cold-boot -c 'cat /proc/1/comm'\n"
        "  guestplug run -a x86_64 --kernel vmlinuz --initrd initrd.gz \\\n"
        "      --append console=ttyS0 --disk my.qcow2 --snapshot ready -c 'uname -a'",
        gp_arch_support_summary(), gp_userland_help());
    g_option_context_set_summary(context, summary);
    g_option_context_add_main_entries(context, entries, NULL);
    gp_guest_options_add(context, &o.guest);
    int status = gp_cli_parse(context, &argc, &argv) ? run_with_options(context, &o, argc)
                                                     : EXIT_USAGE;
    gp_guest_options_clear(&o.guest);
    g_strfreev(o.plugins);
    g_strfreev(o.commands);
    g_strfreev(o.copies);
    g_strfreev(o.core_args);
    return status;
}
