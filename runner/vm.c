/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The runner's public API (include/guestplug/run.h): one QEMU process with
 * its QMP connection and serial console.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "arch.h"
#include "console.h"
#include "error.h"
#include "guestplug/run.h"
#include "image.h"
#include "paths.h"
#include "qemu_locate.h"
#include "qemu_process.h"
#include "qmp.h"
#include "terminal.h"
#include "vm_internal.h"

#define GP_EXPORT __attribute__((visibility("default")))

/* Generic images print "root@guestplug:~# " (images/). */
#define GENERIC_PROMPT "root@guestplug:[^\\n]*# $"
#define DEFAULT_PROMPT "[#$] $"
#define QMP_TIMEOUT_MS 30000
#define START_TIMEOUT_MS 30000
#define SNAPSHOT_STAMP "root-snapshot.ok"

typedef struct host_plugin_request {
    char *name;
    char *args;
} host_plugin_request;

struct gp_vm {
    const gp_arch_info *arch;
    bool generic;
    char *qemu_binary;
    /* own guest */
    char *kernel, *initrd, *disk, *append, *machine, *cpu, *memory;
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
    int end_pipe[2];        /* the core writes "end" to [1]; we watch [0] */
    bool ended;             /* a host plugin called gp_end_analysis */
    int end_status;         /* the status it gave */
    char *last_error;
};

/* The core wrote "end STATUS" on the pipe: remember both. */
static void mark_ended(gp_vm *vm)
{
    char line[32] = { 0 };
    if (!vm->ended && vm->end_pipe[0] >= 0 &&
        read(vm->end_pipe[0], line, sizeof line - 1) > 0) {
        vm->end_status = (int)strtol(line + strlen("end"), NULL, 10);
    }
    vm->ended = true;
}

static int fail(gp_vm *vm, GError *error)
{
    if (error && g_error_matches(error, GP_RUN_ERROR, GP_RUN_ERROR_ENDED)) {
        mark_ended(vm);
    }
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
    vm->end_pipe[0] = vm->end_pipe[1] = -1;
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
    vm->prompt_regex = g_strdup(GENERIC_PROMPT);
    vm->start_snapshot = g_strdup("root");
    vm->memory = g_strdup("256");
    return vm;
}

GP_EXPORT gp_vm *gp_vm_new_custom(const char *qemu_arch)
{
    if (!qemu_arch || !*qemu_arch || strchr(qemu_arch, '/')) {
        fprintf(stderr, "guestplug: '%s' is not a QEMU architecture (the ARCH of "
                "qemu-system-ARCH, e.g. x86_64)\n", qemu_arch ? qemu_arch : "(null)");
        return NULL;
    }
    gp_vm *vm = vm_new(gp_arch_lookup(qemu_arch), qemu_arch, false);
    vm->prompt_regex = g_strdup(DEFAULT_PROMPT);
    vm->memory = g_strdup("256");
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
        strcmp(key, "runner_fd") == 0) {
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

GP_EXPORT int gp_vm_load_plugin(gp_vm *vm, const char *name, const char *args)
{
    if (vm->process) {
        return fail_usage(vm, "host plugins are loaded when QEMU starts; call "
                          "gp_vm_load_plugin before gp_vm_start");
    }
    if (!name || !*name || strchr(name, ',') || strchr(name, '=')) {
        return fail_usage(vm, "'%s' is not a host plugin name", name ? name : "(null)");
    }
    host_plugin_request request = { g_strdup(name), g_strdup(args && *args ? args : NULL) };
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
    if (vm->end_pipe[1] >= 0) {
        g_string_append_printf(option, ",runner_fd=%d", vm->end_pipe[1]);
    }
    for (guint i = 0; i < vm->core_args->len; i++) {
        g_string_append_c(option, ',');
        append_escaped(option, g_ptr_array_index(vm->core_args, i));
    }
    for (guint i = 0; i < vm->plugins->len; i++) {
        host_plugin_request *request = &g_array_index(vm->plugins, host_plugin_request, i);
        g_string_append(option, ",load=");
        append_escaped(option, request->name);
        if (request->args) {
            g_auto(GStrv) pairs = g_strsplit(request->args, ",", -1);
            for (char **pair = pairs; *pair; pair++) {
                if (**pair) {
                    g_string_append_printf(option, ",%s.", request->name);
                    append_escaped(option, *pair);
                }
            }
        }
    }
    return g_string_free(option, FALSE);
}

/* "QFI\xfb" starts every qcow2 file; anything else is treated as raw. */
static const char *disk_format(const char *path)
{
    char magic[4] = { 0 };
    FILE *file = fopen(path, "rb");
    size_t got = file ? fread(magic, 1, sizeof magic, file) : 0;
    if (file) {
        fclose(file);
    }
    return got == 4 && memcmp(magic, "QFI\xfb", 4) == 0 ? "qcow2" : "raw";
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
        g_autofree char *append = g_strdup_printf("console=%s panic=-1 quiet", vm->arch->console);
        g_autofree char *drive = g_strdup_printf("if=none,id=snapdisk,format=qcow2,file=%s",
                                                 snapshot_disk);
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
            g_string_append_printf(drive, ",format=%s", disk_format(vm->disk));
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
    for (int i = 0; i < 2; i++) {
        if (vm->end_pipe[i] >= 0) {
            close(vm->end_pipe[i]);
            vm->end_pipe[i] = -1;
        }
    }
}

/* Starts QEMU; WITH_CORE loads libguestplug.so and the requested plugins. */
static bool launch(gp_vm *vm, bool with_core, GError **error)
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
    /* QEMU inherits the write end (no close-on-exec) for gp_end_analysis. */
    if (with_core && (pipe2(vm->end_pipe, O_CLOEXEC) < 0 ||
                      fcntl(vm->end_pipe[1], F_SETFD, 0) < 0)) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IO, "pipe: %s", g_strerror(errno));
        return false;
    }
    vm->ended = false;
    vm->end_status = 0;
    g_autofree char *qmp_path = gp_qemu_process_path(vm->process, "qmp.sock");
    g_autofree char *serial_path = gp_qemu_process_path(vm->process, "serial.sock");
    g_autofree char *disk_copy = NULL;
    if (vm->generic && vm->start_snapshot) {
        disk_copy = gp_qemu_process_path(vm->process, "disk.qcow2");
        if (!copy_file(vm->image->disk, disk_copy, error)) {
            return false;
        }
    }
    g_autoptr(GPtrArray) argv = qemu_command(vm, core_path, vm->start_snapshot, qmp_path,
                                             serial_path,
                                             disk_copy ? disk_copy : vm->image ? vm->image->disk
                                                                               : NULL);
    if (g_getenv("GUESTPLUG_SHOW_QEMU")) {
        g_autofree char *line = g_strjoinv(" ", (char **)argv->pdata);
        fprintf(stderr, "guestplug: %s\n", line);
    }
    bool spawned = gp_qemu_process_spawn(vm->process, (char **)argv->pdata, error);
    if (vm->end_pipe[1] >= 0) {
        close(vm->end_pipe[1]); /* only QEMU writes it */
        vm->end_pipe[1] = -1;
    }
    if (!spawned) {
        return false;
    }
    vm->console = gp_console_connect(serial_path, vm->process, START_TIMEOUT_MS, error);
    if (!vm->console) {
        return false;
    }
    gp_console_set_end_fd(vm->console, vm->end_pipe[0]);
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
        if (!gp_console_wait(vm->console, prompt_seen, vm->prompt, what,
                             vm->boot_timeout_s * 1000, error)) {
            return false;
        }
    }
    gp_console_discard(vm->console);
    return true;
}

/* First use of a generic image: boot it once and save "root" at the prompt. */
static bool ensure_root_snapshot(gp_vm *vm, GError **error)
{
    g_autofree char *stamp = g_build_filename(vm->image->dir, SNAPSHOT_STAMP, NULL);
    if (g_file_test(stamp, G_FILE_TEST_EXISTS)) {
        return true;
    }
    fprintf(stderr, "guestplug: image %s: first boot, saving snapshot 'root' at the "
            "shell prompt\n", vm->arch->name);
    g_autofree char *saved_snapshot = g_steal_pointer(&vm->start_snapshot);
    gint64 started = g_get_monotonic_time();
    bool ok = launch(vm, false, error);
    if (ok) {
        g_autofree char *reply = gp_qmp_hmp(vm->qmp, "savevm root", QMP_TIMEOUT_MS, error);
        ok = reply != NULL;
    }
    stop_qemu(vm);
    vm->start_snapshot = g_steal_pointer(&saved_snapshot);
    if (!ok) {
        g_prefix_error(error, "could not create the 'root' snapshot of the %s image: ",
                       vm->arch->name);
        return false;
    }
    fprintf(stderr, "guestplug: image %s: snapshot 'root' saved (%.1f s)\n", vm->arch->name,
            (double)(g_get_monotonic_time() - started) / 1e6);
    return g_file_set_contents(stamp, "root\n", -1, error);
}

/* Builds the generic image files (and snapshot) unless cached. Exposed to
 * the CLI's `image build` through gp_vm_prepare_image. */
static bool prepare_generic_image(gp_vm *vm, bool rebuild, GError **error)
{
    g_autoptr(GPtrArray) qemu_img = gp_qemu_argv(vm->qemu, "qemu-img");
    vm->image = gp_image_ensure(vm->arch, (const char *const *)qemu_img->pdata, rebuild, error);
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

GP_EXPORT int gp_vm_start(gp_vm *vm)
{
    GError *error = NULL;

    if (vm->process) {
        return fail_usage(vm, "the VM is already running");
    }
    if (!vm->generic && !vm->kernel && !vm->disk) {
        return fail_usage(vm, "nothing to boot: give your guest a kernel (--kernel) or a "
                          "disk image (--disk), or use a generic image (-g ARCH)");
    }
    if (!locate_qemu(vm, &error) ||
        (vm->generic && !vm->image && !prepare_generic_image(vm, false, &error))) {
        return fail(vm, error);
    }
    if (!launch(vm, !vm->without_core, &error)) {
        stop_qemu(vm);
        g_autofree char *missing = g_strdup_printf("Snapshot '%s' does not exist",
                                                   vm->start_snapshot ? vm->start_snapshot : "");
        if (vm->generic && error && strstr(error->message, missing)) {
            g_prefix_error(&error, "starting from snapshot '%s' failed (rebuild the image "
                           "with `guestplug image build %s --rebuild`): ",
                           vm->start_snapshot, vm->arch->name);
        }
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
        JsonNode *resumed = gp_qmp_execute(vm->qmp, "cont", NULL, QMP_TIMEOUT_MS, NULL);
        if (resumed) {
            json_node_unref(resumed);
        }
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
    int timeout_ms = timeout_seconds == 0 ? vm->command_timeout_s * 1000
                     : timeout_seconds < 0 ? G_MAXINT
                                           : timeout_seconds * 1000;
    g_autofree char *line = gp_command_line(command, wait.id);
    wait.typed = line;
    g_autofree char *what = g_strdup_printf("the end of command '%s'", command);
    gp_console_discard(vm->console);
    if (!gp_console_write(vm->console, line, &error) ||
        (input && !gp_console_write(vm->console, input, &error)) ||
        !gp_console_wait(vm->console, reply_seen, &wait, what, timeout_ms, &error)) {
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

static bool never(const char *text, size_t length, void *opaque)
{
    (void)text, (void)length, (void)opaque;
    return false;
}

GP_EXPORT int gp_vm_run_until_end(gp_vm *vm, int timeout_seconds)
{
    GError *error = NULL;
    gint64 deadline = g_get_monotonic_time() +
                      (gint64)(timeout_seconds > 0 ? timeout_seconds : vm->command_timeout_s) *
                          G_USEC_PER_SEC;

    if (require_running(vm, "wait for the end") < 0) {
        return -1;
    }
    while (!vm->ended) {
        if (g_get_monotonic_time() >= deadline) {
            return fail_usage(vm, "no host plugin ended the analysis within %d s (a host "
                              "plugin calls gp_end_analysis() when it is done)",
                              timeout_seconds > 0 ? timeout_seconds : vm->command_timeout_s);
        }
        /* A guest at its prompt makes no system calls, so nothing could be
         * injected into it; a newline now and then wakes its shell. */
        if (!gp_console_write(vm->console, "\n", &error) ||
            (!gp_console_wait(vm->console, never, NULL, "the end of the analysis", 1000,
                              &error) &&
             !g_error_matches(error, GP_RUN_ERROR, GP_RUN_ERROR_TIMEOUT))) {
            if (g_error_matches(error, GP_RUN_ERROR, GP_RUN_ERROR_ENDED)) {
                mark_ended(vm);
                break;
            }
            return fail(vm, error);
        }
        g_clear_error(&error);
    }
    g_clear_error(&error);
    clear_error(vm);
    return 0;
}

GP_EXPORT bool gp_vm_ended(const gp_vm *vm)
{
    return vm->ended;
}

GP_EXPORT int gp_vm_end_status(const gp_vm *vm)
{
    return vm->ended ? vm->end_status : 0;
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
        g_free(request->args);
    }
    g_array_unref(vm->plugins);
    g_ptr_array_unref(vm->extra_args);
    g_ptr_array_unref(vm->core_args);
    gp_prompt_free(vm->prompt);
    gp_image_free(vm->image);
    gp_qemu_free(vm->qemu);
    g_free(vm->qemu_binary);
    g_free(vm->kernel);
    g_free(vm->initrd);
    g_free(vm->disk);
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
