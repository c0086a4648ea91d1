/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runner benchmarks on the generic image of one architecture. Prints one
 * "name value unit" line per figure (SPEC §10). Ratios compare runs made in
 * this same process, because the machines are noisy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "guestplug/run.h"
#include "vm_internal.h"

#define REPEATS 5

static void die(gp_vm *vm, const char *what)
{
    fprintf(stderr, "vm_bench: %s failed: %s\n", what, gp_vm_last_error(vm));
    exit(1);
}

static double now_ms(void)
{
    return (double)g_get_monotonic_time() / 1000.0;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count)
{
    qsort(values, (size_t)count, sizeof *values, compare_doubles);
    return values[count / 2];
}

/* Appends REPEATS savevm and loadvm times, with or without libguestplug.so. */
static void snapshot_times(const char *arch, bool with_core, double *saves, double *loads)
{
    gp_vm *vm = gp_vm_new_generic(arch);
    if (gp_vm_set_core_enabled(vm, with_core) < 0 || gp_vm_start(vm) < 0) {
        die(vm, "start");
    }
    for (int i = 0; i < REPEATS; i++) {
        double start = now_ms();
        if (gp_vm_savevm(vm, "bench") < 0) {
            die(vm, "savevm");
        }
        saves[i] = now_ms() - start;
        start = now_ms();
        if (gp_vm_revert(vm, "bench") < 0) {
            die(vm, "loadvm");
        }
        loads[i] = now_ms() - start;
    }
    gp_vm_end(vm); /* the VM ran on a private copy of the image's disk */
}

static double cold_boot_ms(const char *arch, bool with_core)
{
    gp_vm *vm = gp_vm_new_generic(arch);
    gp_vm_set_start_snapshot(vm, NULL);
    double start = now_ms();
    if (gp_vm_set_core_enabled(vm, with_core) < 0 || gp_vm_start(vm) < 0) {
        die(vm, "cold boot");
    }
    double elapsed = now_ms() - start;
    gp_vm_end(vm);
    return elapsed;
}

/* loadvm root inside a running QEMU -> first message from c_example: the
 * revert, the injection, the daemon and the plugin, without QEMU's start-up
 * (gp_vm_reload_guest_plugins loads it again after each). The median of 5,
 * on USERLAND's image (NULL: the default). */
static double inject_after_revert_ms(const char *arch, const char *userland)
{
    double reverts[5];
    gp_vm *vm = gp_vm_new_generic(arch);
    if (userland && gp_vm_set_userland(vm, userland) < 0) {
        die(vm, "userland");
    }
    gp_vm_load_plugin(vm, "guest_plugin_example", NULL);
    if (gp_vm_start(vm) < 0 || gp_vm_run_until_end(vm, 60) < 0) {
        die(vm, "guest_plugin_example");
    }
    for (int i = 0; i < 5; i++) {
        double start = now_ms();
        if (gp_vm_revert(vm, "root") < 0 || gp_vm_reload_guest_plugins(vm) < 0 ||
            gp_vm_run_until_end(vm, 60) < 0) {
            die(vm, "guest_plugin_example after a revert");
        }
        reverts[i] = now_ms() - start;
    }
    gp_vm_end(vm);
    return median(reverts, 5);
}

int main(int argc, char **argv)
{
    const char *arch = argc > 1 ? argv[1] : "x86_64";
    /* vm_bench ARCH USERLAND: that userland's revert figure alone. */
    if (argc > 2) {
        printf("inject_after_revert_%s_ms %.0f ms\n", argv[2], inject_after_revert_ms(arch, argv[2]));
        return 0;
    }

    /* Cold boot to the prompt (the image must already be built): the
     * translation-heavy idle case. Plain and guestplug boots alternate. */
    gp_vm *vm = gp_vm_new_generic(arch);
    if (!vm || gp_vm_prepare_image(vm, false) < 0) {
        die(vm, "image");
    }
    gp_vm_end(vm);
    double plain_boots[3], core_boots[3];
    for (int round = 0; round < 3; round++) {
        plain_boots[round] = cold_boot_ms(arch, false);
        core_boots[round] = cold_boot_ms(arch, true);
    }
    double plain_boot = median(plain_boots, 3), core_boot = median(core_boots, 3);
    printf("boot_to_prompt_s %.2f s\n", plain_boot / 1000.0);
    printf("boot_to_prompt_guestplug_s %.2f s\n", core_boot / 1000.0);
    printf("boot_overhead_ratio %.3f x\n", core_boot / plain_boot);

    /* Serial command round trip after a revert. */
    double trips[REPEATS * 3];
    vm = gp_vm_new_generic(arch);
    if (gp_vm_start(vm) < 0) {
        die(vm, "start");
    }
    for (int i = 0; i < REPEATS * 3; i++) {
        char *output = NULL;
        double start = now_ms();
        if (gp_vm_run_serial_cmd(vm, "true", 0, &output, NULL) < 0) {
            die(vm, "serial command");
        }
        trips[i] = now_ms() - start;
        gp_vm_free_string(output);
    }
    gp_vm_end(vm);
    printf("serial_cmd_roundtrip_ms %.1f ms\n", median(trips, REPEATS * 3));

    /* QEMU started with -loadvm root -> first message from c_example: the
     * injection, the daemon and the plugin, with QEMU's own start-up. */
    double firsts[5];
    for (int i = 0; i < 5; i++) {
        vm = gp_vm_new_generic(arch);
        gp_vm_load_plugin(vm, "guest_plugin_example", NULL);
        double start = now_ms();
        if (gp_vm_start(vm) < 0 || gp_vm_run_until_end(vm, 60) < 0) {
            die(vm, "guest_plugin_example");
        }
        firsts[i] = now_ms() - start;
        gp_vm_end(vm);
    }
    printf("revert_to_first_message_ms %.0f ms\n", median(firsts, 5));

    printf("inject_after_revert_ms %.0f ms\n", inject_after_revert_ms(arch, NULL));

    /* Plain and guestplug VMs alternate over 3 rounds, so drift in the
     * machine's load falls on both; medians of all their runs. */
    double plain_saves[3 * REPEATS], plain_loads[3 * REPEATS];
    double core_saves[3 * REPEATS], core_loads[3 * REPEATS];
    for (int round = 0; round < 3; round++) {
        snapshot_times(arch, false, plain_saves + round * REPEATS, plain_loads + round * REPEATS);
        snapshot_times(arch, true, core_saves + round * REPEATS, core_loads + round * REPEATS);
    }
    double plain_save = median(plain_saves, 3 * REPEATS);
    double plain_load = median(plain_loads, 3 * REPEATS);
    double core_save = median(core_saves, 3 * REPEATS);
    double core_load = median(core_loads, 3 * REPEATS);
    printf("savevm_plain_ms %.1f ms\n", plain_save);
    printf("savevm_guestplug_ms %.1f ms\n", core_save);
    printf("savevm_ratio %.2f x\n", core_save / plain_save);
    printf("loadvm_plain_ms %.1f ms\n", plain_load);
    printf("loadvm_guestplug_ms %.1f ms\n", core_load);
    printf("loadvm_ratio %.2f x\n", core_load / plain_load);
    return 0;
}
