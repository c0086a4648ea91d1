/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libguestplug.so: the one TCG plugin QEMU loads. It parses its arguments,
 * loads the host plugins and wires the QEMU callbacks. Each subsystem lives
 * in its own file; this file only connects them to QEMU.
 */
#include <stdio.h>
#include <string.h>

#include "core_args.h"
#include "export.h"
#include "host_plugin.h"
#include "log.h"
#include "qemu/qemu-plugin-api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = GP_QEMU_PLUGIN_API_VERSION;

static struct {
    qemu_plugin_id_t id;
    gp_core_args *args;
    char *target;
    bool verbose;
} core;

static void on_vcpu_init(unsigned int vcpu_index, void *userdata)
{
    (void)userdata;
    if (core.verbose) {
        g_autoptr(GArray) registers = qemu_plugin_get_registers();
        gp_log("vcpu %u of %s up, %u registers visible", vcpu_index, core.target,
               registers ? registers->len : 0);
    }
}

static void on_qemu_exit(void *userdata)
{
    (void)userdata;
    gp_host_plugins_unload_all();
    if (core.verbose) {
        gp_log("core unloaded");
    }
    gp_core_args_free(core.args);
    core.args = NULL;
    g_free(core.target);
}

static bool parse_bool_arg(const char *key, bool fallback)
{
    const char *value = gp_core_args_get(core.args, key);
    if (!value) {
        return fallback;
    }
    return strcmp(value, "on") == 0 || strcmp(value, "yes") == 0 ||
           strcmp(value, "true") == 0 || strcmp(value, "1") == 0;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    g_autoptr(GError) error = NULL;

    if (!info->system_emulation) {
        fprintf(stderr, "Fatal error: guestplug needs full-system emulation "
                "(qemu-system-*), not user-mode QEMU\n");
        return -1;
    }
    core.id = id;
    core.target = g_strdup(info->target_name);
    core.args = gp_core_args_parse(argc, argv, &error);
    if (!core.args) {
        fprintf(stderr, "Fatal error: libguestplug.so: %s\n", error->message);
        return -1;
    }
    core.verbose = parse_bool_arg("verbose", false);
    if (core.verbose) {
        gp_log("core loaded into QEMU (target %s, plugin API %d..%d, %d vCPUs)",
               core.target, info->version.min, info->version.cur,
               info->system.smp_vcpus);
    }
    qemu_plugin_register_vcpu_init_cb(id, on_vcpu_init, NULL);
    qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
    return gp_host_plugins_load_all(core.args) ? 0 : -1;
}
