/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "cli.h"

void gp_guest_options_add(GOptionContext *context, gp_guest_options *o)
{
    GOptionEntry entries[] = {
        { "snapshot", 0, 0, G_OPTION_ARG_STRING, &o->snapshot,
          "Start from snapshot NAME in the qcow2 disk instead of booting (generic images "
          "start from root)", "NAME" },
        { "boot-timeout", 0, 0, G_OPTION_ARG_INT, &o->boot_timeout,
          "Seconds to wait for the prompt on a cold boot (default 300)", "SECONDS" },
        { "memory", 'm', 0, G_OPTION_ARG_STRING, &o->memory,
          "Guest RAM, QEMU -m syntax (default 256)", "SIZE" },
        { "arch", 'a', 0, G_OPTION_ARG_STRING, &o->arch,
          "Own guest: run it with qemu-system-ARCH", "ARCH" },
        { "kernel", 0, 0, G_OPTION_ARG_FILENAME, &o->kernel, "Own guest: kernel", "FILE" },
        { "initrd", 0, 0, G_OPTION_ARG_FILENAME, &o->initrd, "Own guest: initrd", "FILE" },
        { "disk", 0, 0, G_OPTION_ARG_FILENAME, &o->disk,
          "Own guest: disk image, qcow2 or raw (snapshots need qcow2)", "FILE" },
        { "disk-if", 0, 0, G_OPTION_ARG_STRING, &o->disk_interface,
          "Own guest: attach --disk as ide (the guest sees /dev/sda) or virtio (/dev/vda, "
          "needs the guest's virtio_blk); default: the machine's, IDE on -M pc and malta, "
          "virtio on virt", "ide|virtio" },
        { "append", 0, 0, G_OPTION_ARG_STRING, &o->append,
          "Own guest: kernel command line, with the serial console, e.g. console=ttyS0",
          "LINE" },
        { "machine", 'M', 0, G_OPTION_ARG_STRING, &o->machine, "Own guest: QEMU -M",
          "MACHINE" },
        { "cpu", 0, 0, G_OPTION_ARG_STRING, &o->cpu, "Own guest: QEMU -cpu", "CPU" },
        { "qemu-arg", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->qemu_args,
          "Own guest: one extra QEMU argument word (repeatable)", "WORD" },
        { "prompt", 0, 0, G_OPTION_ARG_STRING, &o->prompt,
          "Own guest: shell prompt regex, matched at the end of output (default '[#$] $')",
          "REGEX" },
        { NULL },
    };
    o->boot_timeout = 300;
    g_option_context_add_main_entries(context, entries, NULL);
}

static bool describes_own_guest(const gp_guest_options *o)
{
    return o->kernel || o->initrd || o->disk || o->disk_interface || o->append || o->machine ||
           o->cpu || o->qemu_args || o->prompt;
}

const char *gp_guest_options_problem(const gp_guest_options *o)
{
    if (!o->generic == !o->arch) {
        return "give either -g ARCH (a generic image) or --arch ARCH with your own "
               "--kernel/--disk";
    }
    if (o->userland && !o->generic) {
        return "--userland chooses the userland of a generic image; use it with -g ARCH";
    }
    if (o->generic && describes_own_guest(o)) {
        return "--kernel, --initrd, --disk, --disk-if, --append, --machine, --cpu, "
               "--qemu-arg and --prompt describe your own guest; use --arch, not -g";
    }
    if (o->disk_interface && !o->disk) {
        return "--disk-if says how to attach --disk; give --disk FILE too";
    }
    if (o->disk_interface && strcmp(o->disk_interface, "ide") != 0 &&
        strcmp(o->disk_interface, "virtio") != 0) {
        return "--disk-if takes ide (the guest sees /dev/sda) or virtio (/dev/vda)";
    }
    return NULL;
}

static int configure_own_guest(gp_vm *vm, const gp_guest_options *o)
{
    int failed = 0;
    failed |= o->kernel && gp_vm_set_kernel(vm, o->kernel) < 0;
    failed |= !failed && o->initrd && gp_vm_set_initrd(vm, o->initrd) < 0;
    failed |= !failed && o->disk && gp_vm_set_disk(vm, o->disk) < 0;
    failed |= !failed && o->disk_interface &&
              gp_vm_set_disk_interface(vm, o->disk_interface) < 0;
    failed |= !failed && o->append && gp_vm_set_append(vm, o->append) < 0;
    failed |= !failed && o->machine && gp_vm_set_machine(vm, o->machine) < 0;
    failed |= !failed && o->cpu && gp_vm_set_cpu(vm, o->cpu) < 0;
    failed |= !failed && o->prompt && gp_vm_set_prompt(vm, o->prompt) < 0;
    for (char **arg = o->qemu_args; !failed && arg && *arg; arg++) {
        failed |= gp_vm_add_qemu_arg(vm, *arg) < 0;
    }
    return failed ? -1 : 0;
}

gp_vm *gp_guest_options_new_vm(const gp_guest_options *o, int command_timeout,
                               int *exit_status)
{
    gp_vm *vm = o->generic ? gp_vm_new_generic(o->generic) : gp_vm_new_custom(o->arch);
    if (!vm) {
        *exit_status = EXIT_USAGE; /* an unknown architecture, already printed */
        return NULL;
    }
    bool failed = (!o->generic && configure_own_guest(vm, o) < 0) ||
                  (o->userland && gp_vm_set_userland(vm, o->userland) < 0) ||
                  (o->memory && gp_vm_set_memory(vm, o->memory) < 0) ||
                  gp_vm_set_timeouts(vm, command_timeout, o->boot_timeout) < 0 ||
                  (o->snapshot && gp_vm_set_start_snapshot(vm, o->snapshot) < 0);
    if (failed) {
        *exit_status = gp_cli_vm_failure(vm);
        gp_vm_end(vm);
        return NULL;
    }
    return vm;
}

char *gp_guest_options_refuse_plugins(const gp_guest_options *o)
{
    const gp_arch_info *generic = o->generic ? gp_arch_lookup(o->generic) : NULL;
    const gp_qemu_target *target = o->generic ? (generic ? gp_arch_target(generic) : NULL)
                                              : gp_qemu_target_lookup(o->arch);
    /* Unknown names are refused with their own message by gp_vm_new_*. */
    return target ? gp_qemu_target_refuse_core(target, o->generic != NULL) : NULL;
}

void gp_guest_options_clear(gp_guest_options *o)
{
    char **strings[] = { &o->generic, &o->userland, &o->arch, &o->kernel, &o->initrd, &o->disk,
                         &o->disk_interface, &o->append, &o->machine, &o->cpu, &o->memory,
                         &o->prompt, &o->snapshot };
    for (size_t i = 0; i < G_N_ELEMENTS(strings); i++) {
        g_clear_pointer(strings[i], g_free);
    }
    g_clear_pointer(&o->qemu_args, g_strfreev);
}
