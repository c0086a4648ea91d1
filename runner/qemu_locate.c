/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "qemu_locate.h"

#include <string.h>

#include "error.h"
#include "paths.h"

#define REQUIRED_SERIES "11.1."

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

/* Keeps CANDIDATE if it runs and is 11.1.x; otherwise frees it and notes why. */
static gp_qemu *accept_if_11_1(gp_qemu *candidate, const char *where,
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
    if (!candidate->version || !g_str_has_prefix(candidate->version, REQUIRED_SERIES)) {
        g_string_append_printf(rejected, "\n  %s: %s is version %s, need 11.1.x",
                               where, binary,
                               candidate->version ? candidate->version : "(did not run)");
        gp_qemu_free(candidate);
        return NULL;
    }
    return candidate;
}

gp_qemu *gp_qemu_locate(const char *system_binary, GError **error)
{
    g_autoptr(GString) rejected = g_string_new(NULL);
    const char *env_root = g_getenv("GUESTPLUG_QEMU_ROOT");
    g_autofree char *cache = gp_cache_dir();
    g_autofree char *cached_root = g_build_filename(cache, "qemu", "root", NULL);
    gp_qemu *qemu = NULL;

    if (env_root && *env_root) {
        qemu = accept_if_11_1(private_root(env_root), "GUESTPLUG_QEMU_ROOT",
                              system_binary, rejected);
    }
    if (!qemu) {
        qemu = accept_if_11_1(system_path(system_binary), "PATH", system_binary, rejected);
    }
    if (!qemu && g_file_test(cached_root, G_FILE_TEST_IS_DIR)) {
        qemu = accept_if_11_1(private_root(cached_root), cached_root, system_binary,
                              rejected);
    } else if (!qemu) {
        g_string_append_printf(rejected, "\n  %s: not provisioned", cached_root);
    }
    if (!qemu) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_QEMU_MISSING,
                    "QEMU 11.1 with %s not found (guestplug's plugin needs QEMU 11.1's "
                    "plugin API 7). Looked at:%s\n"
                    "Fix: run scripts/setup from the guestplug tree; it provisions "
                    "QEMU 11.1 into %s without touching the system.",
                    system_binary, rejected->str, cached_root);
    }
    return qemu;
}
