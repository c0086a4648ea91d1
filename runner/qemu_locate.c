/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "qemu_locate.h"

#include <stdbool.h>
#include <string.h>

#include "error.h"
#include "paths.h"

/* GP_QEMU_SERIES ("11.1") and GP_QEMU_PLUGIN_API_VERSION are build flags
 * from core/qemu/supported. The trailing dot keeps 11.10 out of 11.1. */
#define SUPPORTED_VERSION_PREFIX GP_QEMU_SERIES "."

void gp_qemu_free(gp_qemu *qemu)
{
    if (qemu) {
        g_ptr_array_unref(qemu->launcher);
        g_free(qemu->bin_dir);
        g_ptr_array_unref(qemu->data_dirs);
        g_free(qemu->version);
        g_free(qemu);
    }
}

GPtrArray *gp_qemu_argv(const gp_qemu *qemu, const char *program)
{
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; i < qemu->launcher->len; i++) {
        g_ptr_array_add(argv, g_strdup(g_ptr_array_index(qemu->launcher, i)));
    }
    g_ptr_array_add(argv, g_build_filename(qemu->bin_dir, program, NULL));
    for (guint i = 0; g_str_has_prefix(program, "qemu-system-") && i < qemu->data_dirs->len;
         i++) {
        g_ptr_array_add(argv, g_strdup("-L"));
        g_ptr_array_add(argv, g_strdup(g_ptr_array_index(qemu->data_dirs, i)));
    }
    g_ptr_array_add(argv, NULL);
    return argv;
}

/* "QEMU emulator version 11.1.3 (Debian ...)" -> "11.1.3", or NULL. */
static char *probe_version(const gp_qemu *qemu, const char *program)
{
    g_autoptr(GPtrArray) argv = gp_qemu_argv(qemu, program);
    g_autofree char *out = NULL;
    int status = 0;

    /* Replace the trailing NULL with --version, then terminate again;
     * -L is ignored by --version. */
    g_ptr_array_remove_index(argv, argv->len - 1);
    g_ptr_array_add(argv, g_strdup("--version"));
    g_ptr_array_add(argv, NULL);
    if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &out, NULL, &status, NULL) ||
        !g_spawn_check_wait_status(status, NULL)) {
        return NULL;
    }
    const char *marker = strstr(out, "version ");
    if (!marker) {
        return NULL;
    }
    marker += strlen("version ");
    return g_strndup(marker, strcspn(marker, " \n("));
}

static gp_qemu *private_root(const char *root)
{
    gp_qemu *qemu = g_new0(gp_qemu, 1);

    qemu->launcher = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(qemu->launcher, g_build_filename(root, "lib64", "ld-linux-x86-64.so.2", NULL));
    g_ptr_array_add(qemu->launcher, g_strdup("--library-path"));
    g_ptr_array_add(qemu->launcher,
                    g_strdup_printf("%s/lib/x86_64-linux-gnu:%s/usr/lib/x86_64-linux-gnu",
                                    root, root));
    qemu->bin_dir = g_build_filename(root, "usr", "bin", NULL);
    /* Debian's QEMU finds SeaBIOS and iPXE through absolute paths outside
     * usr/share/qemu, which point out of the private root; name them all. */
    qemu->data_dirs = g_ptr_array_new_with_free_func(g_free);
    const char *firmware[] = { "usr/share/qemu", "usr/share/seabios", "usr/lib/ipxe/qemu" };
    for (size_t i = 0; i < G_N_ELEMENTS(firmware); i++) {
        char *dir = g_build_filename(root, firmware[i], NULL);
        if (g_file_test(dir, G_FILE_TEST_IS_DIR)) {
            g_ptr_array_add(qemu->data_dirs, dir);
        } else {
            g_free(dir);
        }
    }
    return qemu;
}

static gp_qemu *system_path(const char *system_binary)
{
    g_autofree char *found = g_find_program_in_path(system_binary);
    if (!found) {
        return NULL;
    }
    gp_qemu *qemu = g_new0(gp_qemu, 1);
    qemu->launcher = g_ptr_array_new_with_free_func(g_free);
    qemu->data_dirs = g_ptr_array_new_with_free_func(g_free);
    qemu->bin_dir = g_path_get_dirname(found);
    return qemu;
}

static bool is_supported_version(const char *version)
{
    return version && g_str_has_prefix(version, SUPPORTED_VERSION_PREFIX);
}

/*
 * $GUESTPLUG_QEMU: the user named one QEMU, so falling back to another
 * would hide their mistake; anything wrong with it is the error.
 */
static gp_qemu *own_build(const char *own_binary, const char *system_binary, GError **error)
{
    g_autofree char *absolute = g_canonicalize_filename(own_binary, NULL);

    if (!g_file_test(absolute, G_FILE_TEST_IS_REGULAR) ||
        !g_file_test(absolute, G_FILE_TEST_IS_EXECUTABLE)) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_QEMU_MISSING,
                    "GUESTPLUG_QEMU=%s is not an executable file.\n"
                    "Fix: set GUESTPLUG_QEMU to the qemu-system-x86_64 of your QEMU %s.x "
                    "build (the other qemu-system-* and qemu-img beside it), or unset it "
                    "to use the system or provisioned QEMU.",
                    own_binary, GP_QEMU_SERIES);
        return NULL;
    }
    gp_qemu *qemu = g_new0(gp_qemu, 1);
    qemu->launcher = g_ptr_array_new_with_free_func(g_free);
    qemu->data_dirs = g_ptr_array_new_with_free_func(g_free);
    qemu->bin_dir = g_path_get_dirname(absolute);
    g_autofree char *binary = g_build_filename(qemu->bin_dir, system_binary, NULL);
    if (!g_file_test(binary, G_FILE_TEST_IS_EXECUTABLE)) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_QEMU_MISSING,
                    "GUESTPLUG_QEMU=%s: there is no %s beside it in %s (guestplug takes "
                    "every QEMU target from the directory of GUESTPLUG_QEMU).\n"
                    "Fix: build that target too (QEMU's configure --target-list), or unset "
                    "GUESTPLUG_QEMU.",
                    own_binary, system_binary, qemu->bin_dir);
        gp_qemu_free(qemu);
        return NULL;
    }
    qemu->version = probe_version(qemu, system_binary);
    if (!is_supported_version(qemu->version)) {
        /* Name the other target only when it is not the binary the user named. */
        bool named_binary = strcmp(binary, absolute) == 0;
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_QEMU_MISSING,
                    "GUESTPLUG_QEMU=%s%s%s is %s%s; guestplug supports QEMU %s.x only "
                    "(its plugin speaks QEMU's plugin API %d).\n"
                    "Fix: point GUESTPLUG_QEMU at a QEMU %s.x build, or unset it to use "
                    "the system or provisioned QEMU (`guestplug setup`).",
                    own_binary, named_binary ? "" : ": its ", named_binary ? "" : system_binary,
                    qemu->version ? "QEMU " : "",
                    qemu->version ? qemu->version
                                  : "not a QEMU that runs (`--version` failed)",
                    GP_QEMU_SERIES, GP_QEMU_PLUGIN_API_VERSION, GP_QEMU_SERIES);
        gp_qemu_free(qemu);
        return NULL;
    }
    return qemu;
}

/* Keeps CANDIDATE if it runs and is of the supported series; otherwise frees
 * it and notes why. */
static gp_qemu *accept_if_supported(gp_qemu *candidate, const char *where,
                                    const char *system_binary, GString *rejected)
{
    if (!candidate) {
        return NULL;
    }
    g_autofree char *binary = g_build_filename(candidate->bin_dir, system_binary, NULL);
    if (!g_file_test(binary, G_FILE_TEST_IS_EXECUTABLE)) {
        g_string_append_printf(rejected, "\n  %s: no %s there", where, system_binary);
        gp_qemu_free(candidate);
        return NULL;
    }
    candidate->version = probe_version(candidate, system_binary);
    if (!is_supported_version(candidate->version)) {
        g_string_append_printf(rejected, "\n  %s: %s is version %s, need %s.x",
                               where, binary,
                               candidate->version ? candidate->version : "(did not run)",
                               GP_QEMU_SERIES);
        gp_qemu_free(candidate);
        return NULL;
    }
    return candidate;
}

gp_qemu *gp_qemu_locate(const char *system_binary, GError **error)
{
    g_autoptr(GString) rejected = g_string_new(NULL);
    const char *own_binary = g_getenv("GUESTPLUG_QEMU");
    const char *env_root = g_getenv("GUESTPLUG_QEMU_ROOT");
    g_autofree char *cache = gp_cache_dir();
    g_autofree char *cached_root = g_build_filename(cache, "qemu", "root", NULL);
    gp_qemu *qemu = NULL;

    if (own_binary && *own_binary) {
        return own_build(own_binary, system_binary, error);
    }
    if (env_root && *env_root) {
        qemu = accept_if_supported(private_root(env_root), "GUESTPLUG_QEMU_ROOT",
                              system_binary, rejected);
    }
    if (!qemu) {
        qemu = accept_if_supported(system_path(system_binary), "PATH", system_binary,
                                   rejected);
    }
    if (!qemu && g_file_test(cached_root, G_FILE_TEST_IS_DIR)) {
        qemu = accept_if_supported(private_root(cached_root), cached_root, system_binary,
                                   rejected);
    } else if (!qemu) {
        g_string_append_printf(rejected, "\n  %s: not provisioned", cached_root);
    }
    if (!qemu) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_QEMU_MISSING,
                    "QEMU %s with %s not found (guestplug's plugin needs QEMU %s's "
                    "plugin API %d). Looked at:%s\n"
                    "Fix: run `guestplug setup` (scripts/setup in a source tree); it "
                    "provisions QEMU %s.x into %s without touching the system. Or set "
                    "GUESTPLUG_QEMU to the qemu-system-x86_64 of your own QEMU %s.x build.",
                    GP_QEMU_SERIES, system_binary, GP_QEMU_SERIES,
                    GP_QEMU_PLUGIN_API_VERSION, rejected->str, GP_QEMU_SERIES, cached_root,
                    GP_QEMU_SERIES);
    }
    return qemu;
}
