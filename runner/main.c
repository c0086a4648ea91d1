/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guestplug: the command line over libguestplug-run.
 *
 *   guestplug run -g ARCH [-p PLUGIN[:key=value,...]]... [-c CMD]... [--snapshot NAME]
 *   guestplug image build ARCH [--rebuild]
 *   guestplug image path ARCH
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "guestplug/run.h"
#include "image.h"
#include "qemu_locate.h"
#include "vm_internal.h"

#define EXIT_USAGE 2

static const char overview[] =
    "usage: guestplug VERB [OPTIONS]\n"
    "\n"
    "Runs QEMU 11.1 guests with guestplug's plugin loaded.\n"
    "\n"
    "Verbs:\n"
    "  run           start a guest, load host plugins, type serial commands\n"
    "  image build   build a generic guest image and its 'root' snapshot\n"
    "  image path    print where a generic image is cached\n"
    "  qemu          run the QEMU 11.1 guestplug uses: guestplug qemu ARCH [QEMU ARGS]\n"
    "  help          this text; `guestplug VERB --help` describes a verb\n"
    "\n"
    "Generic architectures: %s\n";

static int usage_error(GOptionContext *context, const char *message)
{
    g_autofree char *help = g_option_context_get_help(context, TRUE, NULL);
    fprintf(stderr, "guestplug: %s\n\n%s", message, help);
    return EXIT_USAGE;
}

/* Parses the options of one verb; false after printing why. */
static bool parse_verb_options(GOptionContext *context, int *argc, char ***argv)
{
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(context, argc, argv, &error)) {
        usage_error(context, error->message);
        return false;
    }
    return true;
}

typedef struct {
    char *generic, *arch, *kernel, *initrd, *disk, *append, *machine, *cpu, *memory;
    char *prompt, *snapshot;
    char **plugins, **commands, **qemu_args, **copies, **core_args;
    gboolean cold_boot, no_core;
    int command_timeout, boot_timeout;
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

static int configure_own_guest(gp_vm *vm, const run_options *o)
{
    int failed = 0;
    failed |= o->kernel && gp_vm_set_kernel(vm, o->kernel) < 0;
    failed |= !failed && o->initrd && gp_vm_set_initrd(vm, o->initrd) < 0;
    failed |= !failed && o->disk && gp_vm_set_disk(vm, o->disk) < 0;
    failed |= !failed && o->append && gp_vm_set_append(vm, o->append) < 0;
    failed |= !failed && o->machine && gp_vm_set_machine(vm, o->machine) < 0;
    failed |= !failed && o->cpu && gp_vm_set_cpu(vm, o->cpu) < 0;
    failed |= !failed && o->memory && gp_vm_set_memory(vm, o->memory) < 0;
    failed |= !failed && o->prompt && gp_vm_set_prompt(vm, o->prompt) < 0;
    for (char **arg = o->qemu_args; !failed && arg && *arg; arg++) {
        failed |= gp_vm_add_qemu_arg(vm, *arg) < 0;
    }
    return failed ? -1 : 0;
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

static int run_commands(gp_vm *vm, const run_options *o)
{
    for (char **command = o->commands; command && *command; command++) {
        char *output = NULL;
        int status = 0;
        if (gp_vm_run_serial_cmd(vm, *command, o->command_timeout, &output, &status) < 0) {
            return gp_vm_ended(vm) ? 0 : -1; /* a host plugin ended the analysis */
        }
        printf("%s\n", output);
        fflush(stdout);
        if (status != 0) {
            fprintf(stderr, "guestplug: guest command '%s' exited with status %d\n",
                    *command, status);
        }
        gp_vm_free_string(output);
    }
    return 0;
}

static int verb_run(int argc, char **argv)
{
    run_options o = { .command_timeout = 60, .boot_timeout = 300 };
    GOptionEntry entries[] = {
        { "generic", 'g', 0, G_OPTION_ARG_STRING, &o.generic,
          "Run guestplug's generic image of ARCH", "ARCH" },
        { "plugin", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &o.plugins,
          "Load host plugin NAME, with optional arguments (repeatable)",
          "NAME[:key=value,...]" },
        { "command", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &o.commands,
          "Type CMD on the serial console and print its output (repeatable)", "CMD" },
        { "copy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.copies,
          "Copy a host file into the guest over the serial console before the commands "
          "(repeatable)", "HOST_FILE:GUEST_PATH" },
        { "snapshot", 0, 0, G_OPTION_ARG_STRING, &o.snapshot,
          "Start from snapshot NAME (generic images: root)", "NAME" },
        { "cold-boot", 0, 0, G_OPTION_ARG_NONE, &o.cold_boot,
          "Boot from scratch and wait for the prompt instead of reverting", NULL },
        { "core", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.core_args,
          "A setting of libguestplug.so, e.g. inject_timeout=10 (repeatable)", "KEY=VALUE" },
        { "no-core", 0, 0, G_OPTION_ARG_NONE, &o.no_core,
          "Run plain QEMU without libguestplug.so (a baseline for measurements)", NULL },
        { "timeout", 't', 0, G_OPTION_ARG_INT, &o.command_timeout,
          "Seconds to wait for each command (default 60)", "SECONDS" },
        { "boot-timeout", 0, 0, G_OPTION_ARG_INT, &o.boot_timeout,
          "Seconds to wait for the prompt on a cold boot (default 300)", "SECONDS" },
        { "arch", 'a', 0, G_OPTION_ARG_STRING, &o.arch,
          "Own guest: run it with qemu-system-ARCH", "ARCH" },
        { "kernel", 0, 0, G_OPTION_ARG_FILENAME, &o.kernel, "Own guest: kernel", "FILE" },
        { "initrd", 0, 0, G_OPTION_ARG_FILENAME, &o.initrd, "Own guest: initrd", "FILE" },
        { "disk", 0, 0, G_OPTION_ARG_FILENAME, &o.disk,
          "Own guest: disk image, qcow2 or raw (snapshots need qcow2)", "FILE" },
        { "append", 0, 0, G_OPTION_ARG_STRING, &o.append,
          "Own guest: kernel command line", "LINE" },
        { "machine", 'M', 0, G_OPTION_ARG_STRING, &o.machine, "Own guest: QEMU -M", "MACHINE" },
        { "cpu", 0, 0, G_OPTION_ARG_STRING, &o.cpu, "Own guest: QEMU -cpu", "CPU" },
        { "memory", 'm', 0, G_OPTION_ARG_STRING, &o.memory,
          "Guest RAM, QEMU -m syntax (default 256)", "SIZE" },
        { "qemu-arg", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.qemu_args,
          "Own guest: one extra QEMU argument word (repeatable)", "WORD" },
        { "prompt", 0, 0, G_OPTION_ARG_STRING, &o.prompt,
          "Own guest: shell prompt regex, matched at the end of output (default '[#$] $')",
          "REGEX" },
        { NULL },
    };
    g_autoptr(GOptionContext) context = g_option_context_new("- run a guest under guestplug");
    g_option_context_set_summary(context,
        "Starts QEMU 11.1 under TCG with libguestplug.so and the host plugins given\n"
        "with -p, reverts to the 'root' snapshot (generic images), types each -c\n"
        "command on the serial console, prints its output and shuts QEMU down.\n"
        "With -p and no -c it waits (at most --timeout) until a host plugin ends\n"
        "the analysis; a host plugin ending it also cuts a running -c command short.\n"
        "\n"
        "Examples:\n"
        "  guestplug run -g x86_64 -p guest_plugin_example\n"
        "  guestplug run -g x86_64 -c 'cat /proc/version'\n"
        "  guestplug run -a x86_64 --disk my.qcow2 --snapshot root -c 'uname -a'");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!parse_verb_options(context, &argc, &argv)) {
        return EXIT_USAGE;
    }
    if (argc > 1) {
        return usage_error(context, "unexpected argument; quote each -c command");
    }
    if (!o.generic == !o.arch) {
        return usage_error(context, "give either -g ARCH (a generic image) or --arch ARCH "
                           "with your own --kernel/--disk");
    }
    if (o.generic && (o.kernel || o.initrd || o.disk || o.append || o.machine || o.cpu ||
                      o.qemu_args || o.prompt)) {
        return usage_error(context, "--kernel, --initrd, --disk, --append, --machine, --cpu, "
                           "--qemu-arg and --prompt describe your own guest; use --arch, "
                           "not -g");
    }

    gp_vm *vm = o.generic ? gp_vm_new_generic(o.generic) : gp_vm_new_custom(o.arch);
    if (!vm) {
        return EXIT_USAGE;
    }
    int failed = o.generic ? (o.memory && gp_vm_set_memory(vm, o.memory) < 0)
                           : configure_own_guest(vm, &o) < 0;
    failed = failed || gp_vm_set_timeouts(vm, o.command_timeout, o.boot_timeout) < 0;
    if (!failed && (o.snapshot || o.cold_boot)) {
        failed = gp_vm_set_start_snapshot(vm, o.cold_boot ? NULL : o.snapshot) < 0;
    }
    if (o.no_core && o.plugins) {
        fprintf(stderr, "guestplug: host plugins (-p) need the core; drop --no-core\n");
        gp_vm_end(vm);
        return EXIT_USAGE;
    }
    failed = failed || (o.no_core && gp_vm_set_core_enabled(vm, false) < 0);
    for (char **arg = o.core_args; !failed && arg && *arg; arg++) {
        g_autofree char *key = g_strdup(*arg);
        char *value = strchr(key, '=');
        if (!value) {
            fprintf(stderr, "guestplug: --core takes KEY=VALUE, not '%s'\n", *arg);
            gp_vm_end(vm);
            return EXIT_USAGE;
        }
        *value++ = '\0';
        failed = gp_vm_set_core_arg(vm, key, value) < 0;
    }
    for (char **plugin = o.plugins; !failed && plugin && *plugin; plugin++) {
        failed = load_plugin_spec(vm, *plugin) < 0;
    }
    failed = failed || gp_vm_start(vm) < 0 || copy_files(vm, &o) < 0 || run_commands(vm, &o) < 0;
    /* Plugins and no commands: the plugins drive the analysis to its end. */
    if (!failed && o.plugins && !o.commands && !gp_vm_ended(vm)) {
        failed = gp_vm_run_until_end(vm, o.command_timeout) < 0;
    }
    if (failed) {
        fprintf(stderr, "guestplug: %s\n", gp_vm_last_error(vm));
    }
    int end_status = gp_vm_end_status(vm);
    if (end_status) {
        fprintf(stderr, "guestplug: a host plugin ended the analysis with status %d\n",
                end_status);
    }
    gp_vm_end(vm);
    return failed ? EXIT_FAILURE : end_status;
}

static int verb_image(int argc, char **argv)
{
    gboolean rebuild = FALSE;
    GOptionEntry entries[] = {
        { "rebuild", 0, 0, G_OPTION_ARG_NONE, &rebuild,
          "Delete the cached image and build it again", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) context = g_option_context_new("build|path ARCH - generic images");
    g_autofree char *summary = g_strdup_printf(
        "build: builds the generic image of ARCH from Debian bookworm packages and\n"
        "       saves its 'root' snapshot (done automatically on first use).\n"
        "path:  prints where the image of ARCH is cached.\n"
        "\nArchitectures: %s", gp_arch_names());
    g_option_context_set_summary(context, summary);
    g_option_context_add_main_entries(context, entries, NULL);
    if (!parse_verb_options(context, &argc, &argv)) {
        return EXIT_USAGE;
    }
    if (argc != 3 || (strcmp(argv[1], "build") != 0 && strcmp(argv[1], "path") != 0)) {
        return usage_error(context, "expected `image build ARCH` or `image path ARCH`");
    }
    const gp_arch_info *arch = gp_arch_lookup(argv[2]);
    if (!arch) {
        g_autofree char *message = g_strdup_printf(
            "no generic image for architecture '%s'; choose one of: %s", argv[2],
            gp_arch_names());
        return usage_error(context, message);
    }
    if (strcmp(argv[1], "path") == 0) {
        bool complete = false;
        gp_image *image = gp_image_locate(arch, &complete);
        printf("%s\n", image->dir);
        if (!complete) {
            fprintf(stderr, "guestplug: not built yet; run `guestplug image build %s`\n",
                    arch->name);
        }
        gp_image_free(image);
        return complete ? EXIT_SUCCESS : EXIT_FAILURE;
    }
    gp_vm *vm = gp_vm_new_generic(arch->name);
    int failed = gp_vm_prepare_image(vm, rebuild) < 0;
    if (failed) {
        fprintf(stderr, "guestplug: %s\n", gp_vm_last_error(vm));
    }
    gp_vm_end(vm);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Execs qemu-system-ARCH of the QEMU 11.1 guestplug found, with ARGS. */
static int verb_qemu(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;

    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fprintf(argc < 2 ? stderr : stdout,
                "usage: guestplug qemu ARCH [QEMU ARGUMENTS...]\n"
                "       guestplug qemu img [QEMU-IMG ARGUMENTS...]\n"
                "Runs qemu-system-ARCH (or qemu-img) of the QEMU 11.1 guestplug uses (system or the\n"
                "private root provisioned by scripts/setup), e.g. to load libguestplug.so\n"
                "into a guest of your own: guestplug qemu x86_64 -plugin file=...\n");
        return argc < 2 ? EXIT_USAGE : EXIT_SUCCESS;
    }
    /* The family is located by its x86_64 system binary when running qemu-img. */
    bool image_tool = strcmp(argv[1], "img") == 0;
    g_autofree char *binary = g_strconcat("qemu-system-", image_tool ? "x86_64" : argv[1], NULL);
    g_autoptr(gp_qemu) qemu = gp_qemu_locate(binary, &error);
    if (!qemu) {
        fprintf(stderr, "guestplug: %s\n", error->message);
        return EXIT_FAILURE;
    }
    GPtrArray *command = gp_qemu_argv(qemu, image_tool ? "qemu-img" : binary);
    g_ptr_array_remove_index(command, command->len - 1);
    for (int i = 2; i < argc; i++) {
        g_ptr_array_add(command, g_strdup(argv[i]));
    }
    g_ptr_array_add(command, NULL);
    execv(g_ptr_array_index(command, 0), (char **)command->pdata);
    fprintf(stderr, "guestplug: could not run %s: %s\n",
            (char *)g_ptr_array_index(command, 0), g_strerror(errno));
    return EXIT_FAILURE;
}

int main(int argc, char **argv)
{
    const char *verb = argc > 1 ? argv[1] : NULL;

    if (!verb || strcmp(verb, "help") == 0 || strcmp(verb, "--help") == 0 ||
        strcmp(verb, "-h") == 0) {
        fprintf(verb ? stdout : stderr, overview, gp_arch_names());
        return verb ? EXIT_SUCCESS : EXIT_USAGE;
    }
    if (strcmp(verb, "--version") == 0) {
        printf("guestplug %s\n", GP_VERSION);
        return EXIT_SUCCESS;
    }
    /* Each verb parses its own options; argv[0] becomes "guestplug VERB". */
    g_autofree char *program = g_strdup_printf("guestplug %s", verb);
    argv[1] = program;
    if (strcmp(verb, "run") == 0) {
        return verb_run(argc - 1, argv + 1);
    }
    if (strcmp(verb, "image") == 0) {
        return verb_image(argc - 1, argv + 1);
    }
    if (strcmp(verb, "qemu") == 0) {
        return verb_qemu(argc - 1, argv + 1);
    }
    fprintf(stderr, "guestplug: unknown verb '%s'\n\n", verb);
    fprintf(stderr, overview, gp_arch_names());
    return EXIT_USAGE;
}
