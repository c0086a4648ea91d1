/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libguestplug.so: the one TCG plugin QEMU loads. It parses its arguments,
 * loads the host plugins and wires the QEMU callbacks. Each subsystem lives
 * in its own file; this file only connects them to QEMU.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "block_watch.h"
#include "channel_table.h"
#include "core_args.h"
#include "daemon_blob.h"
#include "guest_clock.h"
#include "guest_log.h"
#include "guest_memory.h"
#include "guest_pc.h"
#include "guest_plugins.h"
#include "inject.h"
#include "kernel_watch.h"
#include "runner_commands.h"
#include "runner_link.h"
#include "export.h"
#include "host_api.h"
#include "host_plugin.h"
#include "log.h"
#include "qemu/qemu-plugin-api.h"
#include "registers.h"
#include "trap.h"

/* SPEC §4 defaults. */
#define DEFAULT_DAEMON_PING_MS 2000 /* guest run time; an idle daemon looks every 10 ms */
#define DEFAULT_QUEUE_LIMIT (UINT64_C(64) << 20)
#define DEFAULT_MAX_MESSAGE (UINT64_C(16) << 20)
#define DEFAULT_MAX_CHANNELS 4096
/* The guest's own channels (GET_MANAGER): a quarter of the table in all by
 * default, the rest kept for the host's (guest plugins' main channels). */
#define DEFAULT_GUEST_CHANNELS_PER_PROCESS 64
#define SIZE_CEILING (UINT64_C(1) << 32) /* QEMU's memory API takes 32-bit lengths */

QEMU_PLUGIN_EXPORT int qemu_plugin_version = GP_QEMU_PLUGIN_API_VERSION;

static struct {
    qemu_plugin_id_t id;
    gp_core_args *args;
    const gp_arch *arch;
    char *target;
    bool verbose;
    gp_channel_table *channels;
} core;

static void on_vcpu_init(unsigned int vcpu_index, void *userdata)
{
    (void)userdata;
    char why[256];
    if (!gp_registers_load(core.arch, why, sizeof why)) {
        /* Hypercalls and the injector would read and write the wrong
         * registers of every guest thread. */
        fprintf(stderr, "Fatal error: libguestplug.so: QEMU exposes no registers on %s, and the "
                "handles guestplug builds for them do not work with this QEMU: %s. guestplug "
                "supports %s on QEMU 11.1 only\n", core.target, why, core.target);
        exit(EXIT_FAILURE);
    }
    gp_guest_pc_init(core.arch);
    gp_trap_vcpu_init();
    gp_block_watch_vcpu_init(vcpu_index);
    gp_inject_vcpu_init(vcpu_index);
    gp_kernel_watch_vcpu_init(vcpu_index);
    if (core.verbose) {
        g_autoptr(GArray) registers = qemu_plugin_get_registers();
        gp_log("vcpu %u of %s up, %u registers visible", vcpu_index, core.target,
               registers ? registers->len : 0);
    }
}

/* One pass over each new block's instructions serves traps and injector. */
static void on_tb_translate(struct qemu_plugin_tb *tb, void *userdata)
{
    (void)userdata;
    size_t count = qemu_plugin_tb_n_insns(tb);
    uint8_t bytes[16]; /* longer than any instruction we match */
    /* Instructions are known by their offset in the block: guest_pc.h. */
    uint64_t block_vaddr = qemu_plugin_tb_vaddr(tb);

    gp_block_watch_translate_tb(tb);
    gp_kernel_watch_translate_tb(tb);
    const uint8_t *previous = NULL; /* the instruction before, for delay slots */
    uint8_t previous_bytes[4];
    for (size_t i = 0; i < count; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        size_t size = qemu_plugin_insn_size(insn);
        /* Most instructions cannot be a trap or a system call by their size
         * alone: their bytes are not even copied. */
        if (size > sizeof bytes || !(core.arch->matched_sizes & (UINT32_C(1) << size))) {
            previous = NULL;
            continue;
        }
        qemu_plugin_insn_data(insn, bytes, size);
        uint64_t offset = qemu_plugin_insn_vaddr(insn) - block_vaddr;
        gp_trap_translate_insn(insn, bytes, size, offset);
        gp_inject_translate_insn(insn, bytes, size, offset, previous);
        previous = NULL;
        if (size == sizeof previous_bytes) {
            memcpy(previous_bytes, bytes, size);
            previous = previous_bytes;
        }
    }
}

/*
 * QEMU flushes all translated code on loadvm and has no snapshot callback,
 * so a flush is taken as a revert: the guest forgot the daemon, its plugins
 * and what they had not read yet.
 */
static void on_flush(void *userdata)
{
    (void)userdata;
    if (core.verbose) {
        gp_log("code flush (snapshot revert?): resetting guest plugin state");
    }
    gp_kernel_watch_reset();
    gp_inject_reset();
    gp_guest_plugins_reset();
}

static void on_injected(bool ok, const char *reason)
{
    gp_guest_plugins_injected(ok, reason);
}

/* inject_uid, inject_comm, inject_timeout, inject_memfd, inject_pid1,
 * inject_initramfs. */
static bool parse_inject_options(gp_inject_options *options, GError **error)
{
    const char *uid = gp_core_args_get(core.args, "inject_uid");
    const char *comm = gp_core_args_get(core.args, "inject_comm");
    uint64_t timeout;

    if (uid && strcmp(uid, "0") != 0 && strcmp(uid, "any") != 0) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "inject_uid=%s: use 0 (only root processes, the default) or any", uid);
        return false;
    }
    if (comm && strlen(comm) >= sizeof options->comm) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "inject_comm=%s: process names are at most 15 characters (the kernel's "
                    "comm)", comm);
        return false;
    }
    if (!gp_core_args_switch(core.args, "inject_memfd", true,
                             "memfd_create where the kernel has it",
                             "always the tmpfs fallback of kernels before 3.17",
                             &options->use_memfd, error) ||
        !gp_core_args_switch(core.args, "inject_pid1", false, "init may be hijacked too",
                             "init is left alone", &options->allow_pid1, error) ||
        !gp_core_args_switch(core.args, "inject_initramfs", false,
                             "also processes of an initramfs that will switch to the real root",
                             "those are left alone", &options->allow_initramfs, error) ||
        !gp_core_args_size(core.args, "inject_timeout", 30, 24 * 3600, &timeout, error)) {
        return false;
    }
    options->require_root = !uid || strcmp(uid, "0") == 0;
    g_strlcpy(options->comm, comm ? comm : "", sizeof options->comm);
    options->timeout_s = (unsigned)timeout;
    options->verbose = core.verbose;
    return true;
}

static void on_qemu_exit(void *userdata)
{
    (void)userdata;
    /* Their threads deliver events to host plugins: stop them first. */
    gp_runner_commands_stop();
    gp_guest_clock_shutdown();
    gp_inject_shutdown();
    gp_host_plugins_unload_all();
    gp_guest_log_flush();
    if (core.verbose) {
        gp_log("core unloaded");
    }
    gp_host_api_init(NULL);
    gp_channel_table_free(core.channels);
    core.channels = NULL;
    gp_core_args_free(core.args);
    core.args = NULL;
    g_free(core.target);
}

/* queue_limit, max_channels, guest_channels, guest_channels_per_process,
 * channels=open|closed. */
static bool parse_channel_limits(gp_channel_limits *limits, GError **error)
{
    uint64_t queue_limit, max_channels, guest_channels, per_process;
    const char *channels = gp_core_args_get(core.args, "channels");

    if (!gp_core_args_size(core.args, "queue_limit", DEFAULT_QUEUE_LIMIT, SIZE_CEILING,
                           &queue_limit, error) ||
        !gp_core_args_size(core.args, "max_channels", DEFAULT_MAX_CHANNELS, 1u << 20,
                           &max_channels, error)) {
        return false;
    }
    if (!gp_core_args_size(core.args, "guest_channels", max_channels / 4, max_channels,
                           &guest_channels, error) ||
        !gp_core_args_size(core.args, "guest_channels_per_process",
                           MIN(DEFAULT_GUEST_CHANNELS_PER_PROCESS, guest_channels),
                           max_channels, &per_process, error)) {
        return false;
    }
    if (queue_limit <= GP_MESSAGE_OVERHEAD) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "queue_limit=%" G_GUINT64_FORMAT ": each message counts %u bytes besides "
                    "its own; allow more", queue_limit, GP_MESSAGE_OVERHEAD);
        return false;
    }
    if (guest_channels >= max_channels) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "guest_channels=%" G_GUINT64_FORMAT " must be below max_channels=%"
                    G_GUINT64_FORMAT ", so that the guest can never take the channels the "
                    "host needs to load guest plugins", guest_channels, max_channels);
        return false;
    }
    if (channels && strcmp(channels, "open") != 0 && strcmp(channels, "closed") != 0) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "channels=%s: use closed (the default: a channel is only for the guest "
                    "processes given it) or open (PANDA's: any guest process may look up a "
                    "named channel; see docs/security.md)", channels);
        return false;
    }
    *limits = (gp_channel_limits){
        .queue_limit = queue_limit,
        .max_channels = max_channels,
        .guest_channels = guest_channels,
        .guest_channels_per_space = per_process,
        .open = channels && strcmp(channels, "open") == 0,
    };
    return true;
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

    const gp_arch *arch = gp_arch_for_target(core.target);
    core.arch = arch;
    if (!arch) {
        fprintf(stderr, "Fatal error: guestplug does not support QEMU target %s yet "
                "(supported: %s)\n", core.target, gp_arch_supported_targets());
        return -1;
    }
    gp_channel_limits channel_limits;
    if (!parse_channel_limits(&channel_limits, &error)) {
        fprintf(stderr, "Fatal error: libguestplug.so: %s\n", error->message);
        return -1;
    }
    uint64_t max_message;
    if (!gp_core_args_size(core.args, "max_message", DEFAULT_MAX_MESSAGE, SIZE_CEILING,
                           &max_message, &error)) {
        fprintf(stderr, "Fatal error: libguestplug.so: %s\n", error->message);
        return -1;
    }
    core.channels = gp_channel_table_new(&channel_limits);
    gp_host_api_init(core.channels);
    gp_hypercall_limits limits = { .max_message = max_message };
    gp_guest_memory_init(arch, gp_kernel_watch_roots);
    gp_kernel_watch_init(arch);
    gp_trap_init(arch, core.channels, &limits);

    gp_inject_options inject_options;
    if (!parse_inject_options(&inject_options, &error)) {
        fprintf(stderr, "Fatal error: libguestplug.so: %s\n", error->message);
        return -1;
    }
    uint64_t ping_ms;
    if (!gp_core_args_size(core.args, "daemon_ping_ms",
                           MAX(DEFAULT_DAEMON_PING_MS, arch->timer_stall_ms), 3600 * 1000,
                           &ping_ms, &error)) {
        fprintf(stderr, "Fatal error: libguestplug.so: %s\n", error->message);
        return -1;
    }
    const uint8_t *daemon = NULL;
    size_t daemon_size = 0;
    bool can_inject = arch->syscall && gp_daemon_blob(core.target, &daemon, &daemon_size);
    gp_block_watch_init();
    if (can_inject) {
        gp_inject_init(arch, &inject_options, daemon, daemon_size, on_injected);
    }
    gp_guest_plugins_init(core.channels, core.target, can_inject, (unsigned)ping_ms);
    const char *runner_fd = gp_core_args_get(core.args, "runner_fd");
    gp_runner_link_init(runner_fd ? atoi(runner_fd) : -1);
    const char *runner_commands_fd = gp_core_args_get(core.args, "runner_commands_fd");
    gp_runner_commands_start(runner_commands_fd ? atoi(runner_commands_fd) : -1);
    if (core.verbose) {
        gp_log("core loaded into QEMU (target %s, plugin API %d..%d, %d vCPUs)",
               core.target, info->version.min, info->version.cur,
               info->system.smp_vcpus);
    }
    qemu_plugin_register_vcpu_init_cb(id, on_vcpu_init, NULL);
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_translate, NULL);
    qemu_plugin_register_flush_cb(id, on_flush, NULL);
    qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
    return gp_host_plugins_load_all(core.args) ? 0 : -1;
}
