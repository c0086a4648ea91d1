/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The runner's public API (include/guestplug/run.h): one QEMU process with
 * its QMP connection and serial console.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "analysis.h"
#include "arch.h"
#include "console.h"
#include "disk.h"
#include "error.h"
#include "guestplug/run.h"
#include "host_plugin_path.h"
#include "image.h"
#include "paths.h"
#include "plugin_args.h"
#include "qemu_locate.h"
#include "qemu_process.h"
#include "qmp.h"
#include "terminal.h"
#include "userland.h"
#include "vm_internal.h"

#define GP_EXPORT __attribute__((visibility("default")))

/* Generic images print "root@guestplug:~# " (images/, both userlands). */
#define GENERIC_PROMPT "root@guestplug:[^\\n]*# $"
#define DEFAULT_PROMPT "[#$] $"
#define QMP_TIMEOUT_MS 30000
#define START_TIMEOUT_MS 30000
#define SNAPSHOT_STAMP "root-snapshot.ok"
/* "No timeout" still ends, as pypanda's does. */
#define LONGEST_COMMAND_S 9999
/* How long a shell gets to show its prompt again after Ctrl-C. */
#define RESYNC_TIMEOUT_MS 5000
/* How often a first boot says how long it has been booting. */
#define BOOT_REPORT_S 10

typedef struct host_plugin_request {
    char *name;
    GPtrArray *args; /* "key=value", unquoted */
} host_plugin_request;

struct gp_vm {
    const gp_arch_info *arch;
    bool generic;
    const gp_userland *userland; /* generic images: what runs above the kernel */
    char *qemu_binary;
    /* own guest */
    char *kernel, *initrd, *disk, *append, *machine, *cpu, *memory;
    char *disk_interface;   /* -drive if=: "ide", "virtio", NULL for the machine's */
    GPtrArray *extra_args;
    GPtrArray *core_args;   /* "key=value" for libguestplug.so itself */
    char *prompt_regex;
    char *start_snapshot;
    GArray *plugins; /* host_plugin_request */
    int command_timeout_s, boot_timeout_s;
    bool without_core;
    /* while running */
    gp_qemu *qemu;
    gp_image *image;
    gp_qemu_process *process;
    gp_qmp *qmp;
    gp_console *console;
    gp_prompt *prompt;
    unsigned next_command_id;
    int link_fd;            /* the report pipe's write end, until QEMU has it */
    int command_fd;         /* the command pipe's write end (core/runner_commands.c) */
    int command_qemu_fd;    /* its read end, until QEMU has it */
    gp_analysis *analysis;  /* what the core reported on it (last run) */
    char *last_error;
    int last_error_code;    /* a gp_run_error_code */
};

static bool analysis_ended(const gp_vm *vm)
{
    return vm->analysis && gp_analysis_ended(vm->analysis);
}

static int fail(gp_vm *vm, GError *error)
{
    vm->last_error_code = error && error->domain == GP_RUN_ERROR ? error->code : GP_RUN_ERROR_IO;
    g_free(vm->last_error);
    vm->last_error = g_strdup(error ? error->message : "unknown error");
    g_clear_error(&error);
    return -1;
}

static int fail_usage(gp_vm *vm, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int fail_usage(gp_vm *vm, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_free(vm->last_error);
    vm->last_error_code = GP_RUN_ERROR_USAGE;
    vm->last_error = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return -1;
}

static void clear_error(gp_vm *vm)
{
    g_free(vm->last_error);
    vm->last_error = NULL;
}

static gp_vm *vm_new(const gp_arch_info *arch, const char *qemu_arch, bool generic)
{
    gp_vm *vm = g_new0(gp_vm, 1);
    vm->arch = arch;
    vm->generic = generic;
    vm->qemu_binary = g_strconcat("qemu-system-", qemu_arch, NULL);
    vm->extra_args = g_ptr_array_new_with_free_func(g_free);
    vm->core_args = g_ptr_array_new_with_free_func(g_free);
    vm->plugins = g_array_new(FALSE, TRUE, sizeof(host_plugin_request));
    vm->command_timeout_s = 60;
    vm->boot_timeout_s = 300;
    vm->next_command_id = (unsigned)g_random_int_range(1000, 100000);
    vm->link_fd = -1;
    vm->command_fd = vm->command_qemu_fd = -1;
    return vm;
}

GP_EXPORT gp_vm *gp_vm_new_generic(const char *arch_name)
{
    const gp_arch_info *arch = gp_arch_lookup(arch_name);
    if (!arch) {
        fprintf(stderr, "guestplug: there is no generic image for architecture '%s'; "
                "choose one of: %s\n", arch_name ? arch_name : "(null)", gp_arch_names());
        return NULL;
    }
    gp_vm *vm = vm_new(arch, arch->qemu_binary + strlen("qemu-system-"), true);
    vm->userland = gp_userland_default();
    vm->prompt_regex = g_strdup(GENERIC_PROMPT);
    vm->start_snapshot = g_strdup("root");
    vm->memory = g_strdup("256");
    /* The core refuses to load where it has no hypercalls: run plain QEMU. */
    vm->without_core = gp_arch_target(arch)->support < GP_SUPPORT_CHANNELS;
    return vm;
}

GP_EXPORT gp_vm *gp_vm_new_custom(const char *qemu_arch)
{
    const gp_qemu_target *target = gp_qemu_target_lookup(qemu_arch);
    if (!target) {
        fprintf(stderr, "guestplug: '%s' is not a QEMU architecture (the ARCH of "
                "qemu-system-ARCH); QEMU has: %s\n", qemu_arch ? qemu_arch : "(null)",
                gp_qemu_target_names());
        return NULL;
    }
    gp_vm *vm = vm_new(gp_arch_lookup(qemu_arch), qemu_arch, false);
    vm->prompt_regex = g_strdup(DEFAULT_PROMPT);
    vm->memory = g_strdup("256");
    vm->without_core = target->support < GP_SUPPORT_CHANNELS;
    return vm;
}

/* Setters share one shape: refuse once started, replace the string. */
static int set_string(gp_vm *vm, char **field, const char *value, const char *what)
{
    if (vm->process) {
        return fail_usage(vm, "cannot change the %s of a running VM; set it before "
                          "gp_vm_start", what);
    }
    g_free(*field);
    *field = g_strdup(value);
    clear_error(vm);
    return 0;
}

static int set_existing_file(gp_vm *vm, char **field, const char *path, const char *what)
{
    if (!path || !g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        return fail_usage(vm, "%s '%s' does not exist or is not a file", what,
                          path ? path : "(null)");
    }
    g_autofree char *absolute = g_canonicalize_filename(path, NULL);
    return set_string(vm, field, absolute, what);
}

GP_EXPORT int gp_vm_set_kernel(gp_vm *vm, const char *path)
{
    return set_existing_file(vm, &vm->kernel, path, "kernel");
}

GP_EXPORT int gp_vm_set_initrd(gp_vm *vm, const char *path)
{
    return set_existing_file(vm, &vm->initrd, path, "initrd");
}

GP_EXPORT int gp_vm_set_disk(gp_vm *vm, const char *path)
{
    return set_existing_file(vm, &vm->disk, path, "disk image");
}

GP_EXPORT int gp_vm_set_append(gp_vm *vm, const char *line)
{
    return set_string(vm, &vm->append, line, "kernel command line");
}

GP_EXPORT int gp_vm_set_machine(gp_vm *vm, const char *machine)
{
    return set_string(vm, &vm->machine, machine, "machine");
}

GP_EXPORT int gp_vm_set_cpu(gp_vm *vm, const char *cpu)
{
    return set_string(vm, &vm->cpu, cpu, "CPU model");
}

GP_EXPORT int gp_vm_set_memory(gp_vm *vm, const char *size)
{
    return set_string(vm, &vm->memory, size, "memory size");
}

GP_EXPORT int gp_vm_add_qemu_arg(gp_vm *vm, const char *arg)
{
    if (vm->process || !arg) {
        return fail_usage(vm, "QEMU arguments must be non-NULL and added before gp_vm_start");
    }
    g_ptr_array_add(vm->extra_args, g_strdup(arg));
    clear_error(vm);
    return 0;
}

GP_EXPORT int gp_vm_set_core_arg(gp_vm *vm, const char *key, const char *value)
{
    if (vm->process) {
        return fail_usage(vm, "core arguments are read when QEMU starts; set them before "
                          "gp_vm_start");
    }
    if (!key || !*key || !value || strpbrk(key, "=,.") || strcmp(key, "load") == 0 ||
        strcmp(key, "runner_fd") == 0 || strcmp(key, "runner_commands_fd") == 0) {
        return fail_usage(vm, "'%s' is not a core argument name (e.g. inject_timeout; host "
                          "plugins get theirs with gp_vm_load_plugin)", key ? key : "(null)");
    }
    g_ptr_array_add(vm->core_args, g_strdup_printf("%s=%s", key, value));
    clear_error(vm);
    return 0;
}

GP_EXPORT int gp_vm_set_prompt(gp_vm *vm, const char *regex)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(gp_prompt) check = regex ? gp_prompt_new(regex, &error) : NULL;
    if (!check) {
        return fail_usage(vm, "prompt pattern '%s' is not a valid regular expression: %s",
                          regex ? regex : "(null)", error ? error->message : "NULL");
    }
    g_free(vm->prompt_regex);
    vm->prompt_regex = g_strdup(regex);
    g_clear_pointer(&vm->prompt, gp_prompt_free);
    clear_error(vm);
    return 0;
}

GP_EXPORT int gp_vm_set_userland(gp_vm *vm, const char *name)
{
    if (!vm->generic) {
        return fail_usage(vm, "a userland is chosen for a generic image (gp_vm_new_generic, "
                          "-g ARCH); your own guest brings its own");
    }
    if (vm->process) {
        return fail_usage(vm, "cannot change the userland of a running VM; set it before "
                          "gp_vm_start");
    }
    const gp_userland *userland = gp_userland_lookup(name);
    if (!userland) {
        return fail_usage(vm, "there is no userland '%s' for generic images; choose one of: "
                          "%s", name ? name : "(null)", gp_userland_names());
    }
    g_autofree char *refusal = gp_userland_refuse(userland, vm->arch);
    if (refusal) {
        return fail_usage(vm, "%s", refusal);
    }
    if (userland != vm->userland) {
        vm->userland = userland;
        g_clear_pointer(&vm->image, gp_image_free); /* another image's files */
    }
    clear_error(vm);
    return 0;
}

GP_EXPORT int gp_vm_set_start_snapshot(gp_vm *vm, const char *name)
{
    return set_string(vm, &vm->start_snapshot, name && *name ? name : NULL, "start snapshot");
}

GP_EXPORT int gp_vm_set_timeouts(gp_vm *vm, int command_seconds, int boot_seconds)
{
    if (command_seconds <= 0 || boot_seconds <= 0) {
        return fail_usage(vm, "timeouts must be positive seconds (got %d and %d)",
                          command_seconds, boot_seconds);
    }
    vm->command_timeout_s = command_seconds;
    vm->boot_timeout_s = boot_seconds;
    clear_error(vm);
    return 0;
}

/*
 * Where the core will find host plugin NAME, or NULL (SEARCHED then lists
 * the paths tried). The core only looks once QEMU is starting, so a missing
 * plugin would surface late, as QEMU's death; this runs the same search
 * (core/host_plugin_path.c, so the order cannot drift) with the same inputs
 * at the call that names the plugin.
 */
static char *find_host_plugin(const gp_vm *vm, const char *name, GString *searched)
{
    const char *arg_path = NULL;
    for (guint i = 0; i < vm->core_args->len; i++) {
        const char *arg = g_ptr_array_index(vm->core_args, i);
        if (g_str_has_prefix(arg, "plugin_path=")) {
            arg_path = arg + strlen("plugin_path="); /* the last wins, as in the core */
        }
    }
    g_autoptr(GPtrArray) dirs = gp_host_plugin_search_dirs(
        g_getenv("GUESTPLUG_PLUGIN_PATH"), arg_path, GP_BUILD_DIR "/plugins",
        GP_PREFIX "/lib/guestplug/plugins");
    return gp_host_plugin_find(name, dirs, searched);
}

GP_EXPORT int gp_vm_load_plugin(gp_vm *vm, const char *name, const char *args)
{
    if (vm->process) {
        return fail_usage(vm, "host plugins are loaded when QEMU starts; call "
                          "gp_vm_load_plugin before gp_vm_start");
    }
    if (!name || !*name || strchr(name, ',') || strchr(name, '=')) {
        return fail_usage(vm, "'%s' is not a host plugin name", name ? name : "(null)");
    }
    g_autoptr(GString) searched = g_string_new(NULL);
    g_autofree char *found = find_host_plugin(vm, name, searched);
    if (!found) {
        /* Not a usage error: the name may be right and the plugin unbuilt. */
        return fail(vm, g_error_new(GP_RUN_ERROR, GP_RUN_ERROR_NOT_FOUND,
                                    "could not find path for plugin %s\nSearched:%s\nBuild it "
                                    "(make), add its directory to GUESTPLUG_PLUGIN_PATH, or set "
                                    "the core argument plugin_path=DIR (--core plugin_path=DIR) "
                                    "before loading it.", name, searched->str));
    }
    GError *error = NULL;
    GPtrArray *pairs = gp_plugin_args_parse(name, args, &error);
    if (!pairs) {
        return fail(vm, error);
    }
    host_plugin_request request = { g_strdup(name), pairs };
    g_array_append_val(vm->plugins, request);
    clear_error(vm);
    return 0;
}

/* QEMU's option parser splits on ',' and takes ",," as a literal comma. */
static void append_escaped(GString *out, const char *text)
{
    for (const char *c = text; *c; c++) {
        g_string_append_c(out, *c);
        if (*c == ',') {
            g_string_append_c(out, ',');
        }
    }
}

static char *plugin_option(gp_vm *vm, const char *core_path)
{
    GString *option = g_string_new("file=");
    append_escaped(option, core_path);
    if (vm->link_fd >= 0) {
        g_string_append_printf(option, ",runner_fd=%d", vm->link_fd);
    }
    if (vm->command_qemu_fd >= 0) {
        g_string_append_printf(option, ",runner_commands_fd=%d", vm->command_qemu_fd);
    }
    for (guint i = 0; i < vm->core_args->len; i++) {
        g_string_append_c(option, ',');
        append_escaped(option, g_ptr_array_index(vm->core_args, i));
    }
    for (guint i = 0; i < vm->plugins->len; i++) {
        host_plugin_request *request = &g_array_index(vm->plugins, host_plugin_request, i);
        g_string_append(option, ",load=");
        append_escaped(option, request->name);
        for (guint j = 0; j < request->args->len; j++) {
            g_string_append_printf(option, ",%s.", request->name);
            append_escaped(option, g_ptr_array_index(request->args, j));
        }
    }
    return g_string_free(option, FALSE);
}

#define ADD(...) add_words(argv, __VA_ARGS__, (const char *)NULL)
static void add_words(GPtrArray *argv, ...)
{
    va_list ap;
    va_start(ap, argv);
    for (const char *word; (word = va_arg(ap, const char *));) {
        g_ptr_array_add(argv, g_strdup(word));
    }
    va_end(ap);
}

/*
 * Copies the generic image's snapshot disk for one run: runs then never
 * contend for QEMU's write lock on the shared cached file, and the cached
 * image stays as built whatever a session saves. copy_file_range lets the
 * kernel do it (reflinks where the filesystem has them): ~0.15 s for 90 MB.
 */
static bool copy_file(const char *from, const char *to, GError **error)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = in < 0 ? -1 : open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    struct stat info;
    bool ok = out >= 0 && fstat(in, &info) == 0;

    for (off_t left = ok ? info.st_size : 0; ok && left > 0;) {
        ssize_t copied = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);
        ok = copied > 0;
        left -= copied > 0 ? copied : 0;
    }
    if (!ok) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IO, "could not copy %s to %s: %s",
                    from, to, g_strerror(errno));
    }
    if (in >= 0) {
        close(in);
    }
    if (out >= 0) {
        close(out);
    }
    return ok;
}

static GPtrArray *qemu_command(gp_vm *vm, const char *core_path, const char *loadvm,
                               const char *qmp_path, const char *serial_path,
                               const char *snapshot_disk)
{
    GPtrArray *argv = gp_qemu_argv(vm->qemu, vm->qemu_binary);
    g_ptr_array_remove_index(argv, argv->len - 1); /* the NULL terminator */

    if (vm->generic && vm->image) {
        g_autofree char *append = g_strdup_printf("console=%s panic=-1 quiet%s",
                                                  vm->arch->console, vm->userland->append);
        /* busybox: the guest never sees the disk, which only holds the
         * snapshots; debian: it is the guest's root disk, /dev/vda. */
        g_autofree char *drive =
            vm->userland->root_disk
                ? g_strdup_printf("if=virtio,id=rootdisk,format=qcow2,file=%s", snapshot_disk)
                : g_strdup_printf("if=none,id=snapdisk,format=qcow2,file=%s", snapshot_disk);
        ADD("-M", vm->arch->machine);
        if (vm->arch->cpu) {
            ADD("-cpu", vm->arch->cpu);
        }
        ADD("-kernel", vm->image->kernel, "-initrd", vm->image->initrd, "-append", append,
            "-drive", drive);
    } else {
        if (vm->machine) {
            ADD("-M", vm->machine);
        }
        if (vm->cpu) {
            ADD("-cpu", vm->cpu);
        }
        if (vm->kernel) {
            ADD("-kernel", vm->kernel);
        }
        if (vm->initrd) {
            ADD("-initrd", vm->initrd);
        }
        if (vm->append) {
            ADD("-append", vm->append);
        }
        if (vm->disk) {
            GString *drive = g_string_new("file=");
            append_escaped(drive, vm->disk);
            g_string_append_printf(drive, ",format=%s", gp_disk_format(vm->disk));
            if (vm->disk_interface) {
                g_string_append_printf(drive, ",if=%s", vm->disk_interface);
            }
            ADD("-drive", drive->str);
            g_string_free(drive, TRUE);
        }
    }
    g_autofree char *chardev = g_strdup_printf("socket,id=ser0,path=%s,server=on,wait=off",
                                               serial_path);
    g_autofree char *qmp = g_strdup_printf("unix:%s,server=on,wait=off", qmp_path);
    ADD("-accel", "tcg", "-m", vm->memory, "-nodefaults", "-display", "none", "-no-reboot",
        "-chardev", chardev, "-serial", "chardev:ser0", "-qmp", qmp);
    if (core_path) {
        g_autofree char *plugin = plugin_option(vm, core_path);
        ADD("-plugin", plugin);
    }
    if (loadvm) {
        ADD("-loadvm", loadvm);
    }
    for (guint i = 0; i < vm->extra_args->len; i++) {
        ADD(g_ptr_array_index(vm->extra_args, i));
    }
    g_ptr_array_add(argv, NULL);
    return argv;
}

static bool prompt_seen(const char *text, size_t length, void *opaque)
{
    return gp_prompt_at_end(opaque, text, length);
}

/* A boot that the user waits for once, and long (an image's first), says
 * every BOOT_REPORT_S seconds that it is still going. */
typedef struct boot_report {
    const gp_prompt *prompt;
    const char *image;
    gint64 started, next; /* monotonic microseconds */
} boot_report;

static bool prompt_seen_reporting(const char *text, size_t length, void *opaque)
{
    boot_report *report = opaque;
    if (gp_prompt_at_end(report->prompt, text, length)) {
        return true;
    }
    gint64 now = g_get_monotonic_time();
    if (now >= report->next) {
        fprintf(stderr, "guestplug: image %s: booting, %.0f s so far\n", report->image,
                (double)(now - report->started) / 1e6);
        report->next = now + BOOT_REPORT_S * G_USEC_PER_SEC;
    }
    return false;
}

static void stop_qemu(gp_vm *vm)
{
    if (vm->qmp && vm->process && gp_qemu_process_running(vm->process, NULL)) {
        g_autoptr(GError) ignored = NULL;
        JsonNode *reply = gp_qmp_execute(vm->qmp, "quit", NULL, 5000, &ignored);
        if (reply) {
            json_node_unref(reply);
        }
        gp_qemu_process_wait(vm->process, 5000, NULL);
    }
    g_clear_pointer(&vm->console, gp_console_free);
    g_clear_pointer(&vm->qmp, gp_qmp_free);
    g_clear_pointer(&vm->process, gp_qemu_process_free);
    if (vm->analysis) {
        gp_analysis_read(vm->analysis); /* the last reports, up to QEMU's exit */
    }
    if (vm->link_fd >= 0) {
        close(vm->link_fd);
        vm->link_fd = -1;
    }
    if (vm->command_fd >= 0) {
        close(vm->command_fd);
        vm->command_fd = -1;
    }
}

static int watched_fd(void *opaque)
{
    gp_vm *vm = opaque;
    return gp_analysis_fd(vm->analysis);
}

static bool reports_ready(void *opaque)
{
    gp_vm *vm = opaque;
    gp_analysis_read(vm->analysis);
    return gp_analysis_ended(vm->analysis);
}

/*
 * The disk a generic image's run starts on, in the run directory: a copy of
 * the image's disk.qcow2 with its snapshots, or for a cold boot of a root
 * disk a new overlay on the file system as built (disk.qcow2's is the one
 * of a system that was running when 'root' was saved, never unmounted).
 * The cached image is never written. NULL when the run uses the image's
 * disk itself (a busybox cold boot, which never writes it).
 */
static char *private_disk(gp_vm *vm, GError **error)
{
    if (!vm->start_snapshot && !vm->image->root_fs) {
        return g_strdup(vm->image->disk);
    }
    char *disk = gp_qemu_process_path(vm->process, "disk.qcow2");
    bool made = vm->start_snapshot
                    ? copy_file(vm->image->disk, disk, error)
                    : gp_disk_create_overlay(vm->qemu, vm->image->root_fs, disk, error);
    if (!made) {
        g_free(disk);
        return NULL;
    }
    return disk;
}

/* Starts QEMU; WITH_CORE loads libguestplug.so and the requested plugins.
 * BOOT_DISK (a generic image's first boot) replaces the run's own disk;
 * a cold boot then reports its progress. */
static bool launch(gp_vm *vm, bool with_core, const char *boot_disk, GError **error)
{
    if (!vm->prompt && !(vm->prompt = gp_prompt_new(vm->prompt_regex, error))) {
        return false;
    }
    g_autofree char *core_path = with_core ? gp_find_core_plugin(error) : NULL;
    if (with_core && !core_path) {
        return false;
    }
    vm->process = gp_qemu_process_new(error);
    if (!vm->process) {
        return false;
    }
    /* QEMU inherits the write end (no close-on-exec) for its reports. */
    int link[2] = { -1, -1 };
    if (with_core && (pipe2(link, O_CLOEXEC | O_NONBLOCK) < 0 ||
                      fcntl(link[1], F_SETFD, 0) < 0)) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IO, "pipe: %s", g_strerror(errno));
        return false;
    }
    /* And the read end of the one for its commands. Neither end blocks:
     * a stuck QEMU must not stall the runner. */
    int commands[2] = { -1, -1 };
    if (with_core && (pipe2(commands, O_CLOEXEC | O_NONBLOCK) < 0 ||
                      fcntl(commands[0], F_SETFD, 0) < 0)) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IO, "pipe: %s", g_strerror(errno));
        return false;
    }
    vm->command_qemu_fd = commands[0];
    vm->command_fd = commands[1];
    gp_analysis_free(vm->analysis);
    vm->analysis = gp_analysis_new(link[0]);
    vm->link_fd = link[1];
    g_autofree char *qmp_path = gp_qemu_process_path(vm->process, "qmp.sock");
    g_autofree char *serial_path = gp_qemu_process_path(vm->process, "serial.sock");
    g_autofree char *disk = NULL;
    if (vm->generic) {
        disk = boot_disk ? g_strdup(boot_disk) : private_disk(vm, error);
        if (!disk) {
            return false;
        }
    }
    g_autoptr(GPtrArray) argv = qemu_command(vm, core_path, vm->start_snapshot, qmp_path,
                                             serial_path, disk);
    if (g_getenv("GUESTPLUG_SHOW_QEMU")) {
        g_autofree char *line = g_strjoinv(" ", (char **)argv->pdata);
        fprintf(stderr, "guestplug: %s\n", line);
    }
    bool spawned = gp_qemu_process_spawn(vm->process, (char **)argv->pdata, error);
    if (vm->link_fd >= 0) {
        close(vm->link_fd); /* only QEMU writes it */
        vm->link_fd = -1;
    }
    if (vm->command_qemu_fd >= 0) {
        close(vm->command_qemu_fd); /* only QEMU reads it */
        vm->command_qemu_fd = -1;
    }
    if (!spawned) {
        return false;
    }
    vm->console = gp_console_connect(serial_path, vm->process, START_TIMEOUT_MS, error);
    if (!vm->console) {
        return false;
    }
    gp_console_set_watch(vm->console, &(gp_console_watch){ watched_fd, reports_ready, vm });
    vm->qmp = gp_qmp_connect(qmp_path, START_TIMEOUT_MS, error);
    if (!vm->qmp) {
        int status = 0;
        if (gp_qemu_process_wait(vm->process, 2000, &status)) {
            g_clear_error(error);
            gp_qemu_process_exit_error(vm->process, status, "starting", error);
        }
        return false;
    }
    if (!vm->start_snapshot) {
        g_autofree char *what = g_strdup_printf("the shell prompt (/%s/)", vm->prompt_regex);
        gint64 now = g_get_monotonic_time();
        boot_report report = { vm->prompt, vm->image ? vm->image->name : NULL, now,
                               now + BOOT_REPORT_S * G_USEC_PER_SEC };
        bool reporting = boot_disk != NULL;
        if (!gp_console_wait(vm->console, reporting ? prompt_seen_reporting : prompt_seen,
                             reporting ? (void *)&report : vm->prompt, what,
                             vm->boot_timeout_s * 1000, error)) {
            return false;
        }
    }
    gp_console_discard(vm->console);
    return true;
}

static int run_command(gp_vm *vm, const char *command, const char *input, int timeout_seconds,
                       char **output, int *exit_status);

/* At the first boot's prompt: waits for the userland's settle command (for
 * debian, until systemd has started everything), saying what it reports. */
static bool settle(gp_vm *vm, gint64 started, GError **error)
{
    const char *command = vm->userland->settle_command;
    g_autofree char *output = NULL;
    int status = 0;
    fprintf(stderr, "guestplug: image %s: prompt after %.1f s; waiting for `%s`\n",
            vm->image->name, (double)(g_get_monotonic_time() - started) / 1e6, command);
    if (run_command(vm, command, NULL, vm->boot_timeout_s, &output, &status) < 0) {
        g_set_error(error, GP_RUN_ERROR, vm->last_error_code, "%s", vm->last_error);
        return false;
    }
    if (status != 0) {
        /* A unit that failed leaves the system usable, and the same one
         * would fail on every boot: worth a word, not a failed image. */
        fprintf(stderr, "guestplug: warning: image %s: `%s` exited with status %d and "
                "printed '%s'; saving 'root' anyway\n", vm->image->name, command, status,
                output);
    } else {
        fprintf(stderr, "guestplug: image %s: `%s` says '%s'\n", vm->image->name, command,
                output);
    }
    return true;
}

/* First boots that were killed leave their disk (DISK.partial-PID) behind;
 * one whose process is gone is of no use to anyone. */
static void remove_abandoned_disks(const char *disk)
{
    g_autofree char *dir = g_path_get_dirname(disk);
    g_autofree char *base = g_path_get_basename(disk);
    g_autofree char *prefix = g_strconcat(base, ".partial-", NULL);
    g_autoptr(GDir) listing = g_dir_open(dir, 0, NULL);
    const char *name;
    while (listing && (name = g_dir_read_name(listing)) != NULL) {
        guint64 pid = 0;
        if (g_str_has_prefix(name, prefix) &&
            g_ascii_string_to_unsigned(name + strlen(prefix), 10, 1, G_MAXINT, &pid, NULL) &&
            kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
            g_autofree char *path = g_build_filename(dir, name, NULL);
            g_unlink(path);
        }
    }
}

/*
 * First use of a generic image: boot it once and save "root" at the prompt.
 * A root disk's first boot writes to it, so it boots a new overlay, which
 * becomes the image's disk.qcow2 only once 'root' is saved on it: a first
 * boot that fails leaves nothing half made for the next to start from.
 */
static bool ensure_root_snapshot(gp_vm *vm, GError **error)
{
    g_autofree char *stamp = g_build_filename(vm->image->dir, SNAPSHOT_STAMP, NULL);
    if (g_file_test(stamp, G_FILE_TEST_EXISTS)) {
        return true;
    }
    fprintf(stderr, "guestplug: image %s: first boot, saving snapshot 'root' at the "
            "shell prompt\n", vm->image->name);
    g_autofree char *boot_disk = g_strdup(vm->image->disk);
    if (vm->image->root_fs) {
        remove_abandoned_disks(vm->image->disk);
        g_free(boot_disk);
        boot_disk = g_strdup_printf("%s.partial-%d", vm->image->disk, (int)getpid());
        if (!gp_disk_create_overlay(vm->qemu, vm->image->root_fs, boot_disk, error)) {
            return false;
        }
    }
    g_autofree char *saved_snapshot = g_steal_pointer(&vm->start_snapshot);
    gint64 started = g_get_monotonic_time();
    bool ok = launch(vm, false, boot_disk, error);
    if (ok && !vm->userland->settle_command) {
        /* The figure users compare with a --cold-boot, which prints none. */
        fprintf(stderr, "guestplug: image %s: prompt after %.1f s\n", vm->image->name,
                (double)(g_get_monotonic_time() - started) / 1e6);
    }
    ok = ok && (!vm->userland->settle_command || settle(vm, started, error));
    if (ok) {
        g_autofree char *reply = gp_qmp_hmp(vm->qmp, "savevm root", QMP_TIMEOUT_MS, error);
        ok = reply != NULL;
    }
    stop_qemu(vm);
    vm->start_snapshot = g_steal_pointer(&saved_snapshot);
    if (ok && vm->image->root_fs && rename(boot_disk, vm->image->disk) != 0) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IO, "cannot move %s to %s: %s",
                    boot_disk, vm->image->disk, g_strerror(errno));
        ok = false;
    }
    if (!ok) {
        if (vm->image->root_fs) {
            g_unlink(boot_disk);
        }
        g_prefix_error(error, "could not create the 'root' snapshot of the %s image: ",
                       vm->image->name);
        return false;
    }
    fprintf(stderr, "guestplug: image %s: snapshot 'root' saved (%.1f s)\n", vm->image->name,
            (double)(g_get_monotonic_time() - started) / 1e6);
    return g_file_set_contents(stamp, "root\n", -1, error);
}

/* Builds the generic image files (and snapshot) unless cached. Exposed to
 * the CLI's `image build` through gp_vm_prepare_image. */
static bool prepare_generic_image(gp_vm *vm, bool rebuild, GError **error)
{
    g_autoptr(GPtrArray) qemu_img = gp_qemu_argv(vm->qemu, "qemu-img");
    vm->image = gp_image_ensure(vm->arch, vm->userland, (const char *const *)qemu_img->pdata,
                                rebuild, error);
    return vm->image && ensure_root_snapshot(vm, error);
}

static bool locate_qemu(gp_vm *vm, GError **error)
{
    if (!vm->qemu) {
        vm->qemu = gp_qemu_locate(vm->qemu_binary, error);
    }
    return vm->qemu != NULL;
}

int gp_vm_set_core_enabled(gp_vm *vm, bool enabled)
{
    if (vm->process) {
        return fail_usage(vm, "the core is loaded when QEMU starts; decide before gp_vm_start");
    }
    vm->without_core = !enabled;
    return 0;
}

int gp_vm_prepare_image(gp_vm *vm, bool rebuild)
{
    GError *error = NULL;
    if (!vm->generic) {
        return fail_usage(vm, "only generic images are built by guestplug");
    }
    gp_image_free(vm->image);
    vm->image = NULL;
    if (!locate_qemu(vm, &error) || !prepare_generic_image(vm, rebuild, &error)) {
        return fail(vm, error);
    }
    clear_error(vm);
    return 0;
}

/* Host plugins and core settings need the core, which does not load on
 * every target: refuse them before anything is built or started. */
static bool check_core_wanted(const gp_vm *vm, GError **error)
{
    if (!vm->without_core || (vm->plugins->len == 0 && vm->core_args->len == 0)) {
        return true;
    }
    const gp_qemu_target *target =
        gp_qemu_target_lookup(vm->qemu_binary + strlen("qemu-system-"));
    g_autofree char *refusal = gp_qemu_target_refuse_core(target, vm->generic);
    g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_USAGE, "%s",
                refusal ? refusal : "host plugins and core settings need libguestplug.so, "
                "which gp_vm_set_core_enabled turned off");
    return false;
}

/* A start snapshot that is not on the disk: list those that are before
 * booting, rather than fail in QEMU. A snapshot on a drive of --qemu-arg's
 * is QEMU's to check. */
static bool check_start_snapshot(const gp_vm *vm, GError **error)
{
    const char *disk = vm->generic ? vm->image->disk : vm->disk;
    return !vm->start_snapshot || !disk ||
           gp_disk_require_snapshot(vm->qemu, disk, vm->start_snapshot, error);
}

GP_EXPORT int gp_vm_start(gp_vm *vm)
{
    GError *error = NULL;

    if (vm->process) {
        return fail_usage(vm, "the VM is already running");
    }
    if (!check_core_wanted(vm, &error)) {
        return fail(vm, error);
    }
    if (!vm->generic && !vm->kernel && !vm->disk) {
        return fail_usage(vm, "nothing to boot: give your guest a kernel (--kernel) or a "
                          "disk image (--disk), or use a generic image (-g ARCH)");
    }
    if (!locate_qemu(vm, &error) ||
        (vm->generic && !vm->image && !prepare_generic_image(vm, false, &error)) ||
        !check_start_snapshot(vm, &error)) {
        return fail(vm, error);
    }
    if (!launch(vm, !vm->without_core, NULL, &error)) {
        stop_qemu(vm);
        return fail(vm, error);
    }
    clear_error(vm);
    return 0;
}

static int require_running(gp_vm *vm, const char *verb)
{
    if (!vm->process) {
        return fail_usage(vm, "cannot %s: the VM is not running (call gp_vm_start first)",
                          verb);
    }
    return 0;
}

/* QMP "cont": runs a stopped guest again (a no-op on a running one). */
static void resume_guest(gp_vm *vm)
{
    JsonNode *resumed = gp_qmp_execute(vm->qmp, "cont", NULL, QMP_TIMEOUT_MS, NULL);
    if (resumed) {
        json_node_unref(resumed);
    }
}

static int snapshot_command(gp_vm *vm, const char *verb, const char *name)
{
    GError *error = NULL;
    if (require_running(vm, verb) < 0) {
        return -1;
    }
    if (!name || !*name || strpbrk(name, " \t\n\"'")) {
        return fail_usage(vm, "'%s' is not a snapshot name", name ? name : "(null)");
    }
    g_autofree char *line = g_strdup_printf("%s %s", verb, name);
    g_autofree char *reply = gp_qmp_hmp(vm->qmp, line, QMP_TIMEOUT_MS, &error);
    if (!reply) {
        error->code = GP_RUN_ERROR_SNAPSHOT;
        g_prefix_error(&error, "%s of snapshot '%s' failed: ", verb, name);
        /* A failed loadvm leaves the VM stopped before touching its state;
         * resume it so the caller can go on with the guest it had. */
        resume_guest(vm);
        return fail(vm, error);
    }
    gp_console_discard(vm->console);
    clear_error(vm);
    return 0;
}

GP_EXPORT int gp_vm_revert(gp_vm *vm, const char *name)
{
    return snapshot_command(vm, "loadvm", name);
}

GP_EXPORT int gp_vm_savevm(gp_vm *vm, const char *name)
{
    return snapshot_command(vm, "savevm", name);
}

GP_EXPORT int gp_vm_delete_snapshot(gp_vm *vm, const char *name)
{
    return snapshot_command(vm, "delvm", name);
}

typedef struct {
    unsigned id;
    const char *typed;
    size_t scanned;
    char *output;
    int status;
} command_wait;

static bool reply_seen(const char *text, size_t length, void *opaque)
{
    command_wait *wait = opaque;
    return gp_command_reply(text, length, &wait->scanned, wait->id, wait->typed, &wait->output,
                            &wait->status);
}

/*
 * A command that did not finish: say so with what it printed (never our
 * marker), then interrupt it and wait for the prompt, so that the next
 * command starts on a clean console.
 */
static GError *command_timed_out(gp_vm *vm, const char *command, const char *typed,
                                 int timeout_s)
{
    size_t length = 0;
    const char *text = gp_console_text(vm->console, &length);
    g_autofree char *printed = gp_command_output_so_far(text, length, typed);
    g_autofree char *lines = gp_console_indent_last_lines(printed, 15);
    GError *error = g_error_new(GP_RUN_ERROR, GP_RUN_ERROR_TIMEOUT,
                                "guest command '%s' did not finish within %d s (allow it more "
                                "time: -t, or timeout= in Python); it printed:%s", command,
                                timeout_s, lines);
    if (gp_console_write(vm->console, "\003", NULL)) {
        gp_console_wait(vm->console, prompt_seen, vm->prompt, "prompt", RESYNC_TIMEOUT_MS,
                        NULL);
    }
    gp_console_discard(vm->console);
    return error;
}

/*
 * Types COMMAND (one line) and then INPUT (NULL or lines the command reads,
 * e.g. a here-document body), and waits for the command to finish.
 */
static int run_command(gp_vm *vm, const char *command, const char *input, int timeout_seconds,
                       char **output, int *exit_status)
{
    GError *error = NULL;
    command_wait wait = { .id = vm->next_command_id++ };

    if (require_running(vm, "run a serial command") < 0) {
        return -1;
    }
    if (!command || strchr(command, '\n')) {
        return fail_usage(vm, "a serial command must be one line without newlines");
    }
    if (analysis_ended(vm)) {
        return fail_usage(vm, "not running '%s': a host plugin has ended the analysis",
                          command);
    }
    int timeout_s = timeout_seconds == 0 ? vm->command_timeout_s
                    : timeout_seconds < 0 ? LONGEST_COMMAND_S
                                          : timeout_seconds;
    g_autofree char *line = gp_command_line(command, wait.id);
    wait.typed = line;
    g_autofree char *what = g_strdup_printf("the end of command '%s'", command);
    gp_console_discard(vm->console);
    if (!gp_console_write(vm->console, line, &error) ||
        (input && !gp_console_write(vm->console, input, &error)) ||
        !gp_console_wait(vm->console, reply_seen, &wait, what, timeout_s * 1000, &error)) {
        if (g_error_matches(error, GP_RUN_ERROR, GP_RUN_ERROR_TIMEOUT)) {
            g_clear_error(&error);
            error = command_timed_out(vm, command, line, timeout_s);
        }
        return fail(vm, error);
    }
    /* Let the prompt come back so the next command starts on a fresh line;
     * not seeing it is harmless. */
    gp_console_wait(vm->console, prompt_seen, vm->prompt, "prompt", 2000, NULL);
    gp_console_discard(vm->console);
    *output = wait.output;
    if (exit_status) {
        *exit_status = wait.status;
    }
    clear_error(vm);
    return 0;
}

GP_EXPORT int gp_vm_run_serial_cmd(gp_vm *vm, const char *command, int timeout_seconds,
                                   char **output, int *exit_status)
{
    return run_command(vm, command, NULL, timeout_seconds, output, exit_status);
}

GP_EXPORT int gp_vm_type_serial(gp_vm *vm, const char *command)
{
    GError *error = NULL;
    if (require_running(vm, "type on the serial console") < 0) {
        return -1;
    }
    if (!command || strchr(command, '\n')) {
        return fail_usage(vm, "a serial command must be one line without newlines");
    }
    g_autofree char *line = g_strconcat(command, "\n", NULL);
    gp_console_discard(vm->console);
    if (!gp_console_write(vm->console, line, &error)) {
        return fail(vm, error);
    }
    clear_error(vm);
    return 0;
}

/* gzip then base64 with line breaks: what `base64 -d | gunzip` undoes. */
static char *encode_for_console(const char *data, gsize length, GError **error)
{
    g_autoptr(GZlibCompressor) gzip = g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
    g_autoptr(GByteArray) packed = g_byte_array_new();
    guint8 chunk[65536];
    gsize read = 0, written = 0, offset = 0;
    GConverterResult result;

    do {
        result = g_converter_convert(G_CONVERTER(gzip), data + offset, length - offset, chunk,
                                     sizeof chunk, G_CONVERTER_INPUT_AT_END, &read, &written,
                                     error);
        if (result == G_CONVERTER_ERROR) {
            return NULL;
        }
        offset += read;
        g_byte_array_append(packed, chunk, (guint)written);
    } while (result != G_CONVERTER_FINISHED);

    char *text = g_malloc(packed->len * 4 / 3 + packed->len / 72 * 2 + 16);
    gint state = 0, save = 0;
    gsize out = g_base64_encode_step(packed->data, packed->len, TRUE, text, &state, &save);
    out += g_base64_encode_close(TRUE, text + out, &state, &save);
    text[out] = '\0';
    return text;
}

GP_EXPORT int gp_vm_copy_to_guest(gp_vm *vm, const char *host_path, const char *guest_path)
{
    GError *error = NULL;
    g_autofree char *data = NULL;
    gsize length = 0;

    if (!guest_path || !*guest_path || strpbrk(guest_path, "'\n")) {
        return fail_usage(vm, "'%s' is not a guest path guestplug can write (no quotes or "
                          "newlines)", guest_path ? guest_path : "(null)");
    }
    if (!host_path || !g_file_get_contents(host_path, &data, &length, &error)) {
        return error ? fail(vm, error) : fail_usage(vm, "no host file given");
    }
    g_autofree char *encoded = encode_for_console(data, length, &error);
    if (!encoded) {
        return fail(vm, error);
    }
    /* head -c reads exactly the encoded bytes from the tty, so nothing
     * marks the end and the shell never buffers the file itself. */
    g_autofree char *command = g_strdup_printf(
        "head -c %zu | base64 -d | gunzip > '%s' && chmod 755 '%s'", strlen(encoded),
        guest_path, guest_path);
    const char *input = encoded;
    g_autofree char *output = NULL;
    int status = 0;
    /* Serial bandwidth under TCG: allow a generous second per 16 KiB. */
    int timeout = 30 + (int)(strlen(encoded) / 16384);
    if (run_command(vm, command, input, timeout, &output, &status) < 0) {
        return -1;
    }
    if (status != 0) {
        return fail_usage(vm, "copying %s to the guest's %s failed with status %d (does the "
                          "guest have base64 and gunzip, and may it write there?)", host_path,
                          guest_path, status);
    }
    return 0;
}

/* The core has answered the runner's reload whose answer count was OPAQUE's. */
typedef struct {
    gp_analysis *analysis;
    guint answers_before;
} reload_wait;

static bool reload_answered(const char *text, size_t length, void *opaque)
{
    (void)text, (void)length;
    const reload_wait *wait = opaque;
    return gp_analysis_reload_answers(wait->analysis) > wait->answers_before;
}

GP_EXPORT int gp_vm_reload_guest_plugins(gp_vm *vm)
{
    GError *error = NULL;
    if (require_running(vm, "load guest plugins again") < 0) {
        return -1;
    }
    if (vm->command_fd < 0) {
        return fail_usage(vm, "cannot load guest plugins again: this VM runs without "
                          "libguestplug.so (gp_vm_set_core_enabled, or an architecture "
                          "without hypercalls), so it has none");
    }
    gp_analysis_read(vm->analysis); /* what came before belongs to the last round */
    gp_analysis_begin_again(vm->analysis);
    reload_wait wait = { vm->analysis, gp_analysis_reload_answers(vm->analysis) };
    static const char command[] = "reload\n";
    if (write(vm->command_fd, command, sizeof command - 1) != (ssize_t)sizeof command - 1) {
        return fail(vm, g_error_new(GP_RUN_ERROR, GP_RUN_ERROR_IO,
                                    "could not ask libguestplug.so to load the guest plugins "
                                    "again: %s (has QEMU stopped reading its commands?)",
                                    g_strerror(errno)));
    }
    /* Its "requested" reports come before the answer, so that once this
     * returns gp_vm_run_until_end waits for every plugin loaded again. */
    if (!gp_console_wait(vm->console, reload_answered, &wait,
                         "libguestplug.so's answer to loading the guest plugins again",
                         QMP_TIMEOUT_MS, &error) &&
        !g_error_matches(error, GP_RUN_ERROR, GP_RUN_ERROR_ENDED)) {
        return fail(vm, error);
    }
    g_clear_error(&error); /* ENDED: a plugin ended the new round at once */
    clear_error(vm);
    return 0;
}

/* The waiting of gp_vm_run_until_end is over once every guest plugin that
 * was requested has finished (the end of the analysis stops it anyway). */
static bool guest_plugins_finished(const char *text, size_t length, void *opaque)
{
    (void)text, (void)length;
    const gp_analysis *analysis = opaque;
    return gp_analysis_requested(analysis) > 0 && gp_analysis_unfinished(analysis) == 0;
}

GP_EXPORT int gp_vm_run_until_end(gp_vm *vm, int timeout_seconds)
{
    GError *error = NULL;
    int timeout_s = timeout_seconds > 0 ? timeout_seconds : vm->command_timeout_s;
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_s * G_USEC_PER_SEC;

    if (require_running(vm, "wait for the end") < 0) {
        return -1;
    }
    gp_analysis_read(vm->analysis);
    while (!analysis_ended(vm) && !guest_plugins_finished(NULL, 0, vm->analysis)) {
        if (g_get_monotonic_time() >= deadline) {
            if (gp_analysis_requested(vm->analysis) == 0) {
                clear_error(vm);
                return 1; /* nothing was waited for: the run simply lasted its time */
            }
            g_autofree char *unfinished = gp_analysis_describe_unfinished(vm->analysis);
            error = g_error_new(GP_RUN_ERROR, GP_RUN_ERROR_TIMEOUT,
                                "guest plugins did not finish within %d s: %s (allow more "
                                "time with -t; the log above says what the injector "
                                "tried)", timeout_s, unfinished);
            return fail(vm, error);
        }
        /* A guest at its prompt makes no system calls, so nothing could be
         * injected into it; a newline now and then wakes its shell. */
        if (!gp_console_write(vm->console, "\n", &error) ||
            (!gp_console_wait(vm->console, guest_plugins_finished, vm->analysis,
                              "the end of the analysis", 1000, &error) &&
             !g_error_matches(error, GP_RUN_ERROR, GP_RUN_ERROR_TIMEOUT) &&
             !g_error_matches(error, GP_RUN_ERROR, GP_RUN_ERROR_ENDED))) {
            return fail(vm, error);
        }
        g_clear_error(&error);
    }
    clear_error(vm);
    return 0;
}

/* The analysis with every report that has arrived taken in, or NULL before
 * the first start. */
static gp_analysis *fresh_analysis(const gp_vm *vm)
{
    if (vm->analysis) {
        gp_analysis_read(vm->analysis);
    }
    return vm->analysis;
}

GP_EXPORT bool gp_vm_ended(const gp_vm *vm)
{
    gp_analysis *analysis = fresh_analysis(vm);
    return analysis && gp_analysis_ended(analysis);
}

GP_EXPORT int gp_vm_end_status(const gp_vm *vm)
{
    gp_analysis *analysis = fresh_analysis(vm);
    return analysis ? gp_analysis_end_status(analysis) : 0;
}

GP_EXPORT unsigned gp_vm_guest_plugins_requested(const gp_vm *vm)
{
    gp_analysis *analysis = fresh_analysis(vm);
    return analysis ? gp_analysis_requested(analysis) : 0;
}

GP_EXPORT const char *gp_vm_guest_plugin_failure(const gp_vm *vm)
{
    gp_analysis *analysis = fresh_analysis(vm);
    return analysis ? gp_analysis_failure(analysis) : NULL;
}

int gp_vm_last_error_code(const gp_vm *vm)
{
    return vm->last_error ? vm->last_error_code : -1;
}

GP_EXPORT void gp_vm_end(gp_vm *vm)
{
    if (!vm) {
        return;
    }
    stop_qemu(vm);
    for (guint i = 0; i < vm->plugins->len; i++) {
        host_plugin_request *request = &g_array_index(vm->plugins, host_plugin_request, i);
        g_free(request->name);
        g_ptr_array_unref(request->args);
    }
    g_array_unref(vm->plugins);
    g_ptr_array_unref(vm->extra_args);
    g_ptr_array_unref(vm->core_args);
    gp_prompt_free(vm->prompt);
    gp_image_free(vm->image);
    gp_analysis_free(vm->analysis);
    gp_qemu_free(vm->qemu);
    g_free(vm->qemu_binary);
    g_free(vm->kernel);
    g_free(vm->initrd);
    g_free(vm->disk);
    g_free(vm->disk_interface);
    g_free(vm->append);
    g_free(vm->machine);
    g_free(vm->cpu);
    g_free(vm->memory);
    g_free(vm->prompt_regex);
    g_free(vm->start_snapshot);
    g_free(vm->last_error);
    g_free(vm);
}

GP_EXPORT const char *gp_vm_last_error(const gp_vm *vm)
{
    return vm && vm->last_error ? vm->last_error : "";
}

GP_EXPORT void gp_vm_free_string(char *string)
{
    g_free(string);
}

/* Whether the guest's vCPUs run (QMP query-status); false if unknown. */
static bool guest_running(gp_vm *vm)
{
    JsonNode *status = gp_qmp_execute(vm->qmp, "query-status", NULL, QMP_TIMEOUT_MS, NULL);
    bool running = status && JSON_NODE_HOLDS_OBJECT(status) &&
                   json_object_get_boolean_member_with_default(json_node_get_object(status),
                                                               "running", FALSE);
    if (status) {
        json_node_unref(status);
    }
    return running;
}

GP_EXPORT int gp_vm_monitor_cmd(gp_vm *vm, const char *command, char **output)
{
    GError *error = NULL;
    if (require_running(vm, "run a monitor command") < 0) {
        return -1;
    }
    if (!command || !*command || strchr(command, '\n') || !output) {
        return fail_usage(vm, "a monitor command must be one non-empty line");
    }
    bool was_running = guest_running(vm);
    /* gp_qmp_hmp turns HMP's failures, which QMP delivers as successful
     * replies ("Error: ...", "unknown command: ..."), into errors, so a
     * caller never mistakes them for output. */
    char *reply = gp_qmp_hmp(vm->qmp, command, vm->command_timeout_s * 1000, &error);
    if (!reply) {
        /* A failed loadvm leaves the guest stopped; a failed command should
         * leave it as it was, or the next serial command would hang. */
        if (was_running && !guest_running(vm)) {
            resume_guest(vm);
        }
        return fail(vm, error);
    }
    /* Like gp_vm_revert: output from before a loadvm is not the guest's now. */
    gp_console_discard(vm->console);
    *output = reply;
    clear_error(vm);
    return 0;
}

GP_EXPORT int gp_vm_set_disk_interface(gp_vm *vm, const char *interface)
{
    if (interface && strcmp(interface, "ide") != 0 && strcmp(interface, "virtio") != 0) {
        return fail_usage(vm, "'%s' is not a disk interface guestplug attaches; use ide "
                          "(/dev/sda) or virtio (/dev/vda)", interface);
    }
    return set_string(vm, &vm->disk_interface, interface, "disk interface");
}

GP_EXPORT const char *gp_vm_generic_names(void)
{
    return gp_arch_names();
}
